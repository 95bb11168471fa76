import type { TokenFailureReport } from '@auth/core';
import type { AdapterOptions } from '@auth/core/adapter';
import type { Request } from 'express';

/**
 * Picks the tenant of an incoming request, e.g. from a header or the authenticated user.
 * Called at most once per request, and only when the request reads `req.authClients`.
 */
export type TenantResolver = (req: Request) => string | undefined;

/** Options of {@link authClients}. Every field is optional. */
export interface AuthClientsOptions extends AdapterOptions<Request> {
  /**
   * Tenant of the request: selects per-tenant credentials and the token cache entry. `undefined`
   * or `''` means none. Default: none (every request uses the registry's own tenant, usually none).
   *
   * @example tenant: (req) => req.get('x-tenant-id')
   */
  tenant?: TenantResolver;
  /**
   * Called once per failed token request of the registry, however many requests were waiting on
   * it, at most once per client per minute (`report.suppressed` counts the failures left out);
   * `report.message` names the client, code and status, never a secret. The requests themselves
   * are answered `502` by {@link authErrorHandler} and not reported one by one. `false` turns it
   * off. Default: the message on `console.error` (`console.warn` for a failed background refresh
   * while the current token is still served), where Express's default error handler writes.
   *
   * @example
   * onTokenFailure: ({ event, message }) => logger.error({ client: event.client, code: event.code }, message)
   */
  onTokenFailure?: ((report: TokenFailureReport) => void) | false;
}
