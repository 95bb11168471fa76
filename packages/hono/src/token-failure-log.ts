import { reportTokenFailures, type TokenEventSource, type TokenFailureReport } from '@auth/core';

/** What {@link authClients} does with a failed token request; see `AuthClientsOptions`. */
export type TokenFailureHandler = (report: TokenFailureReport) => void;

/**
 * The default: one line on the console, where Hono's own default error handler writes
 * (`console.error`; `console.warn` for a failed background refresh while the current token is
 * still served).
 */
export const logToConsole: TokenFailureHandler = ({ event, message }) => {
  if (event.background) console.warn(message);
  else console.error(message);
};

/** The handlers each registry already reports to: a handler is subscribed once per registry. */
const handlersByRegistry = new WeakMap<TokenEventSource, Set<TokenFailureHandler>>();

/**
 * Subscribes `handler` to `clients`' failed token requests, unless it already is (several
 * middlewares over one registry report each failure once).
 * @internal
 */
export function handleTokenFailures(clients: TokenEventSource, handler: TokenFailureHandler): void {
  let handlers = handlersByRegistry.get(clients);
  if (handlers === undefined) {
    handlers = new Set();
    handlersByRegistry.set(clients, handlers);
  }
  if (handlers.has(handler)) return;
  handlers.add(handler);
  reportTokenFailures(clients, handler);
}
