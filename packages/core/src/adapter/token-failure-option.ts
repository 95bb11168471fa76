import { AuthConfigError } from '../errors.js';
import {
  reportTokenFailures,
  type TokenEventSource,
  type TokenFailureReport,
} from '../observability/token-failure-reports.js';

/** An adapter's `onTokenFailure` option: where a failed token request is reported, or `false`. */
export type TokenFailureOption = ((report: TokenFailureReport) => void) | false;

/** Where {@link tokenFailureLogger} writes: a console, a framework's logger (pino, Nest's `Logger`). */
export interface TokenFailureLog {
  warn(message: string): unknown;
  error(message: string): unknown;
}

/**
 * A report handler that writes each failed token request as one line on `log`: `warn` for a
 * failed background refresh while the current token is still served, `error` when callers got
 * the failure.
 *
 * @example
 * handleTokenFailures(clients, options.onTokenFailure, tokenFailureLogger(app.log));
 */
export function tokenFailureLogger(log: TokenFailureLog): (report: TokenFailureReport) => void {
  return ({ event, message }) => {
    if (event.background) log.warn(message);
    else log.error(message);
  };
}

/**
 * The default for adapters whose framework has no logger of its own (Hono, Express): one line on
 * the console, where their default error handlers write.
 */
export const logTokenFailure: (report: TokenFailureReport) => void =
  /* @__PURE__ */ tokenFailureLogger(console);

/** The handlers each registry already reports to: a handler is subscribed once per registry. */
const handlersByRegistry = new WeakMap<
  TokenEventSource,
  Map<(report: TokenFailureReport) => void, () => void>
>();

/**
 * For adapter authors: validates an `onTokenFailure` option (a function, `false`, or `undefined`
 * for `fallback`) and subscribes it to `clients`' failed token requests, once per registry and
 * handler (several middlewares over one registry report each failure once). Returns the function
 * that stops it (call it when the app closes).
 *
 * @throws AuthConfigError when the option is neither a function nor `false`.
 * @example
 * const stop = handleTokenFailures(clients, options.onTokenFailure, logTokenFailure);
 * app.addHook('onClose', stop);
 */
export function handleTokenFailures(
  clients: TokenEventSource,
  option: unknown,
  fallback: (report: TokenFailureReport) => void = logTokenFailure,
): () => void {
  if (option === false) return () => {};
  const handler = (option ?? fallback) as (report: TokenFailureReport) => void;
  if (typeof handler !== 'function') {
    throw new AuthConfigError('onTokenFailure', 'expected a function (report) => void, or false');
  }
  let handlers = handlersByRegistry.get(clients);
  if (handlers === undefined) {
    handlers = new Map();
    handlersByRegistry.set(clients, handlers);
  }
  let stop = handlers.get(handler);
  if (stop === undefined) {
    const unsubscribe = reportTokenFailures(clients, handler);
    const subscribed = handlers;
    stop = () => {
      unsubscribe();
      subscribed.delete(handler);
    };
    handlers.set(handler, stop);
  }
  return stop;
}
