import type { RequestContext, TokenFailureReport } from '@auth/core';
import type { AdapterOptions } from '@auth/core/adapter';
import type { FastifyRequest } from 'fastify';

/**
 * Picks the tenant of an incoming request, e.g. from a header or the authenticated user.
 * Called at most once per request, and only when the request reads `request.authClients`.
 */
export type TenantResolver = (request: FastifyRequest) => string | undefined;

/**
 * What `clients` must be: the registry `createAuthClients()` of `@auth/core` returns, whatever its
 * client names (checked when the plugin loads).
 */
export interface AuthClientsRegistry {
  /** Names of the clients. */
  readonly names: readonly string[];
  /** A view of the registry bound to one request. */
  withContext(context: RequestContext): object;
  /** Releases the clients' stores. */
  close(): Promise<void>;
}

/** Options of {@link authClientsPlugin}: the registry, and optionally `tenant` and `propagateHeaders`. */
export interface AuthClientsPluginOptions extends AdapterOptions<FastifyRequest> {
  /** The registry returned by `createAuthClients()` of `@auth/core`. Required. */
  clients: AuthClientsRegistry;
  /**
   * Tenant of the request: selects per-tenant credentials and the token cache entry. `undefined`
   * or `''` means none. Default: none (every request uses the registry's own tenant, usually none).
   *
   * @example tenant: (request) => request.headers['x-tenant-id'] as string | undefined
   */
  tenant?: TenantResolver;
  /**
   * Called once per failed token request of the registry, however many requests were waiting on
   * it, at most once per client per minute (`report.suppressed` counts the failures left out);
   * `report.message` names the client, code and status, never a secret. The requests themselves
   * are answered `502` and not logged one by one. `false` turns it off. Default: the message on
   * the app's logger, at `error` level (`warn` for a failed background refresh while the current
   * token is still served).
   *
   * @example
   * onTokenFailure: ({ event, message }) => metrics.increment('token_failures', { client: event.client })
   */
  onTokenFailure?: ((report: TokenFailureReport) => void) | false;
}
