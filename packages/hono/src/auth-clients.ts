import { handleTokenFailures, requestContext, resolveAdapterOptions } from '@auth/core/adapter';
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { withGatewayErrors } from './gateway-errors.js';
import type { AuthClientsOptions } from './options.js';
import type { AuthClientsEnv, AuthClientsRegistry } from './types.js';

/**
 * Hono middleware that puts a request-bound view of `clients` on `c.var.authClients`, typed like
 * the registry: `c.var.authClients.alertsite` is an `AuthClient`.
 *
 * Options are validated now: a mistake throws an `AuthConfigError` naming the option. Per
 * request the view is lazy: a route that never touches a client pays a few small objects (the
 * registry view and its error-mapping proxy). On first use, the view's clients are bound to the request: outbound calls abort when the incoming
 * request's signal does (the client disconnected), carry the tenant from `options.tenant`, and
 * pass on the `options.propagateHeaders` (default `x-request-id`, `traceparent`).
 *
 * A token failure (an `AuthError` from `fetch`/`getToken`) leaves the handler as an
 * {@link AuthGatewayException}: `502` with an `application/problem+json` body holding only the
 * error code. An `app.onError` handler can answer it differently. The failed token request
 * itself is reported once, however many requests were waiting on it: see `onTokenFailure`.
 *
 * @example
 * import { createAuthClients, presets } from '@auth/core';
 * import { authClients } from '@auth/hono';
 * import { Hono } from 'hono';
 *
 * const clients = createAuthClients({ alertsite: presets.alertsite({ username, password }) });
 * const app = new Hono()
 *   .use(authClients(clients, { tenant: (c) => c.req.header('x-tenant-id') }))
 *   .get('/devices', async (c) => {
 *     const res = await c.var.authClients.alertsite.fetch('devices');
 *     return c.json(await res.json(), res.status);
 *   });
 */
export function authClients<Registry extends AuthClientsRegistry>(
  clients: Registry,
  options?: AuthClientsOptions,
): MiddlewareHandler<AuthClientsEnv<Registry>> {
  const resolved = resolveAdapterOptions<Context>(clients, options, ['onTokenFailure']);
  handleTokenFailures(resolved.clients, options?.onTokenFailure);
  return createMiddleware<AuthClientsEnv<Registry>>(async function authClientsMiddleware(c, next) {
    // The context function runs on the first client use only: until then, nothing is read.
    const view = resolved.clients.withContext(() => {
      const request = c.req.raw;
      return requestContext(resolved, {
        request: c,
        header: (name) => request.headers.get(name) ?? undefined,
        signal: request.signal,
      });
    });
    c.set('authClients', withGatewayErrors(view) as unknown as Registry);
    await next();
  });
}
