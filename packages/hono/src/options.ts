import type { AdapterOptions, TokenFailureReport } from '@auth/core';
import type { Context } from 'hono';

/**
 * Options of {@link authClients}: `tenant` (gets the Hono `Context`), `propagateHeaders` and
 * `onTokenFailure`. Every field is optional.
 *
 * @example
 * authClients(clients, { tenant: (c) => c.req.header('x-tenant-id') })
 */
export interface AuthClientsOptions extends AdapterOptions<Context> {
  /**
   * Called once per failed token request of the registry, however many requests were waiting on
   * it, at most once per client per minute (`report.suppressed` counts the failures left out);
   * `report.message` names the client, code and status, never a secret. The requests themselves
   * are answered `502` and not reported one by one. `false` turns it off. Default: the message
   * on `console.error` (`console.warn` for a failed background refresh while the current token is
   * still served), where Hono's default error handler writes.
   *
   * @example
   * onTokenFailure: ({ event, message }) => logger.error({ client: event.client, code: event.code }, message)
   */
  onTokenFailure?: ((report: TokenFailureReport) => void) | false;
}
