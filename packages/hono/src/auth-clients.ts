import type { AuthClients } from '@auth/core';
import {
  bindRequest,
  handleTokenFailures,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from '@auth/core/adapter';
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
 * request the view is lazy: a route that never touches a client pays one small object holding
 * the `Context` (its accessors live on one prototype shared by all requests) and Hono's own
 * `c.set`; the middleware returns `next()` without an `async` wrapper of its own. On first use,
 * the view's clients are bound to the request: outbound calls abort when the incoming request's
 * signal does (the client disconnected), carry the tenant from `options.tenant`, and pass on the
 * `options.propagateHeaders` (default `x-request-id`, `traceparent`).
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
  const RequestClients = requestClientsOf(resolved);
  return createMiddleware<AuthClientsEnv<Registry>>(function authClientsMiddleware(c, next) {
    c.set('authClients', new RequestClients(c) as unknown as Registry);
    return next();
  });
}

/**
 * The class of the `c.var.authClients` objects of one middleware. An instance holds its
 * `Context` and nothing else until it is used: every key of the registry (each client, `names`,
 * `withContext`, `close`, `subscribe`, `status`, `toJSON`) is a getter on the shared prototype
 * that reads the request's view, created on first use: the registry bound to the request
 * (`withContext`, context computed once) behind {@link withGatewayErrors}.
 */
function requestClientsOf(resolved: ResolvedAdapterOptions<Context>) {
  class RequestClients {
    readonly #c: Context;
    #view: AuthClients<string> | undefined;

    constructor(c: Context) {
      this.#c = c;
    }

    /** The request's view of the registry, bound and wrapped on first use. */
    static viewOf(self: RequestClients): AuthClients<string> {
      if (self.#view !== undefined) return self.#view;
      const c = self.#c;
      const { view } = bindRequest(resolved, () => {
        const request = c.req.raw;
        return {
          request: c,
          header: (name) => request.headers.get(name) ?? undefined,
          signal: request.signal,
        };
      });
      self.#view = withGatewayErrors(view);
      return self.#view;
    }
  }
  for (const key of registryKeys(resolved.clients)) {
    Object.defineProperty(RequestClients.prototype, key, {
      enumerable: resolved.clients.names.includes(key as string),
      get(this: RequestClients) {
        return Reflect.get(RequestClients.viewOf(this), key);
      },
    });
  }
  return RequestClients;
}

/** The registry's clients and methods: its own keys and those of its prototypes. */
function registryKeys(registry: object): Set<PropertyKey> {
  const keys = new Set<PropertyKey>();
  for (let o: object | null = registry; o !== null && o !== Object.prototype; ) {
    for (const key of Reflect.ownKeys(o)) if (key !== 'constructor') keys.add(key);
    o = Object.getPrototypeOf(o);
  }
  return keys;
}
