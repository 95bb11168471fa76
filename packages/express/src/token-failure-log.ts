import {
  AuthConfigError,
  reportTokenFailures,
  type TokenEventSource,
  type TokenFailureReport,
} from '@auth/core';

type TokenFailureHandler = (report: TokenFailureReport) => void;

/** The default: one line on the console, where Express's default error handler writes. */
const logToConsole: TokenFailureHandler = ({ event, message }) => {
  if (event.background) console.warn(message);
  else console.error(message);
};

/** The handlers each registry already reports to: a handler is subscribed once per registry. */
const handlersByRegistry = new WeakMap<TokenEventSource, Set<TokenFailureHandler>>();

/**
 * Subscribes the `onTokenFailure` option (default: the console) to `clients`' failed token
 * requests, once per registry and handler (several middlewares over one registry report each
 * failure once). Throws an `AuthConfigError` for a value that is neither a function nor `false`.
 * @internal
 */
export function handleTokenFailures(clients: TokenEventSource, option: unknown): void {
  if (option === false) return;
  const handler = option ?? logToConsole;
  if (typeof handler !== 'function') {
    throw new AuthConfigError('onTokenFailure', 'expected a function (report) => void, or false');
  }
  let handlers = handlersByRegistry.get(clients);
  if (handlers === undefined) {
    handlers = new Set();
    handlersByRegistry.set(clients, handlers);
  }
  if (handlers.has(handler as TokenFailureHandler)) return;
  handlers.add(handler as TokenFailureHandler);
  reportTokenFailures(clients, handler as TokenFailureHandler);
}
