import { reportTokenFailures, type TokenEventSource } from '@auth/core';
import { Logger } from '@nestjs/common';

/**
 * Logs each failed token request of `clients` once through Nest's `Logger` (context
 * `AuthClients`), however many requests were waiting on it, at most once per client per minute
 * (the next line counts the failures left out): `error` when callers get the failure, `warn` for
 * a failed background refresh while the current token is still served. Returns the unsubscribe
 * function.
 * @internal
 */
export function logTokenFailures(clients: TokenEventSource): () => void {
  const logger = new Logger('AuthClients');
  return reportTokenFailures(clients, ({ event, message }) => {
    if (event.background) logger.warn(message);
    else logger.error(message);
  });
}
