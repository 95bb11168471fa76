import type { AuthClient, RequestContext } from '@auth/core';
import type { Context } from 'hono';
import { withGatewayErrors } from './gateway-errors.js';
import type { ResolvedOptions } from './options.js';
import type { AuthClientsRegistry } from './types.js';

/**
 * Builds, once per middleware, the class of the per-request views of `clients`, and returns a
 * function making one view for a request.
 *
 * A view is one small object holding the Hono context. Nothing else happens until a handler reads
 * a client: only then are the incoming request's signal, the tenant and the propagated headers
 * read, `clients.withContext()` called, and the client bound (once per name and request). A
 * route that never touches its clients creates no AbortController, listener or header copy.
 */
export function requestClientsFactory<Registry extends AuthClientsRegistry>(
  clients: Registry,
  options: ResolvedOptions,
): (c: Context) => Registry {
  class RequestClients {
    #c: Context | undefined;
    #registry: AuthClientsRegistry | undefined;

    constructor(c: Context | undefined, registry?: AuthClientsRegistry) {
      this.#c = c;
      this.#registry = registry;
    }

    get names(): readonly string[] {
      return clients.names;
    }

    withContext(context: RequestContext): Registry {
      const registry = RequestClients.registryOf(this).withContext(context);
      return new RequestClients(undefined, registry as AuthClientsRegistry) as unknown as Registry;
    }

    close(): Promise<void> {
      return clients.close();
    }

    toJSON(): unknown {
      const registry = RequestClients.registryOf(this) as { toJSON?: () => unknown };
      return typeof registry.toJSON === 'function' ? registry.toJSON() : { clients: clients.names };
    }

    /** The core registry view bound to this request; built on first use. */
    static registryOf(view: RequestClients): AuthClientsRegistry {
      if (view.#registry === undefined) {
        view.#registry = clients.withContext(
          requestContext(view.#c as Context, options),
        ) as AuthClientsRegistry;
        view.#c = undefined;
      }
      return view.#registry;
    }
  }

  for (const name of clients.names) {
    Object.defineProperty(RequestClients.prototype, name, {
      enumerable: true,
      configurable: true,
      get(this: RequestClients) {
        const registry = RequestClients.registryOf(this) as unknown as Record<string, AuthClient>;
        const client = withGatewayErrors(registry[name] as AuthClient);
        Object.defineProperty(this, name, { value: client, enumerable: true });
        return client;
      },
    });
  }

  return (c) => new RequestClients(c) as unknown as Registry;
}

/** What the request hands its clients: abort signal, tenant, correlation headers. */
function requestContext(c: Context, options: ResolvedOptions): RequestContext {
  const request = c.req.raw;
  const context: RequestContext = { signal: request.signal };
  if (options.tenant !== undefined) {
    const tenant: unknown = options.tenant(c);
    if (typeof tenant === 'string') {
      if (tenant !== '') context.tenant = tenant;
    } else if (tenant !== undefined && tenant !== null) {
      throw new TypeError('The tenant resolver of authClients() must return a string or undefined');
    }
  }
  let headers: Record<string, string> | undefined;
  for (const name of options.propagateHeaders) {
    const value = request.headers.get(name);
    if (value === null) continue;
    headers ??= {};
    headers[name] = value;
  }
  if (headers !== undefined) context.headers = headers;
  return context;
}
