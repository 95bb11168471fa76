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
}
