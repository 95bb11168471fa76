import type { AdapterOptions } from '@auth/core/adapter';
import type { Context } from 'koa';

/**
 * Picks the tenant of an incoming request, e.g. from a header or the authenticated user.
 * Called at most once per request, and only when the request touches `ctx.authClients`.
 */
export type TenantResolver = (ctx: Context) => string | undefined;

/** Options of {@link authClients}. Every field is optional. */
export interface AuthClientsOptions extends AdapterOptions<Context> {
  /**
   * Tenant of the request: selects per-tenant credentials and the token cache entry. `undefined`
   * or `''` means none. Default: none (every request uses the registry's own tenant, usually none).
   *
   * @example tenant: (ctx) => ctx.get('x-tenant-id') || undefined
   */
  tenant?: TenantResolver;
}
