import { AuthConfigError } from './errors.js';
import {
  reportTokenFailures,
  type TokenEventSource,
  type TokenFailureReport,
} from './token-failure-reports.js';

/** An adapter's `onTokenFailure` option: where a failed token request is reported, or `false`. */
export type TokenFailureOption = ((report: TokenFailureReport) => void) | false;

/**
 * The default for adapters whose framework has no logger of its own (Hono, Express): one line on
 * the console, where their default error handlers write (`console.warn` for a failed background
 * refresh while the current token is still served).
 */
export function logTokenFailure({ event, message }: TokenFailureReport): void {
  if (event.background) console.warn(message);
  else console.error(message);
}

/** The handlers each registry already reports to: a handler is subscribed once per registry. */
const handlersByRegistry = new WeakMap<
  TokenEventSource,
  Set<(report: TokenFailureReport) => void>
>();

/**
 * For adapter authors: validates an `onTokenFailure` option (a function, `false`, or `undefined`
 * for `fallback`) and subscribes it to `clients`' failed token requests, once per registry and
 * handler (several middlewares over one registry report each failure once).
 *
 * @throws AuthConfigError when the option is neither a function nor `false`.
 * @example
 * handleTokenFailures(clients, options.onTokenFailure, logTokenFailure);
 */
export function handleTokenFailures(
  clients: TokenEventSource,
  option: unknown,
  fallback: (report: TokenFailureReport) => void = logTokenFailure,
): void {
  if (option === false) return;
  const handler = option ?? fallback;
  if (typeof handler !== 'function') {
    throw new AuthConfigError('onTokenFailure', 'expected a function (report) => void, or false');
  }
  let handlers = handlersByRegistry.get(clients);
  if (handlers === undefined) {
    handlers = new Set();
    handlersByRegistry.set(clients, handlers);
  }
  if (handlers.has(handler as (report: TokenFailureReport) => void)) return;
  handlers.add(handler as (report: TokenFailureReport) => void);
  reportTokenFailures(clients, handler as (report: TokenFailureReport) => void);
}
