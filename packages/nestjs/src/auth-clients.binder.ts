import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthClients, RequestContext } from '@auth/core';
import type { PlatformRequest, ResolvedAuthClientsOptions } from './auth-clients.options.js';
import { ClientDisconnectedError } from './client-disconnected.js';

/** The raw Node objects and the platform request of one incoming HTTP request. */
export interface HttpExchange {
  /** Express `Request` or `FastifyRequest`: what the tenant resolver gets. */
  readonly request: PlatformRequest;
  /** The Node request (`request` itself on Express, `request.raw` on Fastify). */
  readonly rawRequest: IncomingMessage;
  /** The Node response (`response` itself on Express, `reply.raw` on Fastify), if there is one. */
  readonly rawResponse: ServerResponse | undefined;
}

/**
 * Hands each request a lazy, request-bound view of the registry. One per application, built from
 * the validated options at bootstrap; singleton (no request-scoped providers).
 * @internal
 */
export class AuthClientsBinder {
  /** The app-wide registry. */
  readonly clients: AuthClients<string>;
  readonly #View: new (
    exchange: HttpExchange,
  ) => AuthClients<string>;
  readonly #views = new WeakMap<IncomingMessage, AuthClients<string>>();
  #closed: Promise<void> | undefined;

  constructor(options: ResolvedAuthClientsOptions) {
    this.clients = options.clients as AuthClients<string>;
    this.#View = requestViewClass(options);
  }

  /**
   * The request's view: the same object for every use within one request. Creating it allocates
   * one small object; the abort signal, the tenant and the headers are only computed when a client
   * of the view is first used.
   */
  bind(exchange: HttpExchange): AuthClients<string> {
    let view = this.#views.get(exchange.rawRequest);
    if (view === undefined) {
      view = new this.#View(exchange);
      this.#views.set(exchange.rawRequest, view);
    }
    return view;
  }

  /** Closes the registry once, however often it is called. */
  close(): Promise<void> {
    this.#closed ??= this.clients.close();
    return this.#closed;
  }
}

/**
 * A class whose instances look like the registry (`view.alertsite`, `names`, `withContext`,
 * `close`) but only bind to the request on first use: one prototype per application, a lazy
 * getter per client name (as in `@auth/core`'s registry).
 */
function requestViewClass(options: ResolvedAuthClientsOptions) {
  const registry = options.clients as AuthClients<string>;
  const { tenant: resolveTenant, propagateHeaders } = options;

  class RequestAuthClients {
    readonly #exchange: HttpExchange;
    #bound: AuthClients<string> | undefined;
    #tenant: { value: string | undefined } | undefined;

    constructor(exchange: HttpExchange) {
      this.#exchange = exchange;
    }

    get names(): readonly string[] {
      return registry.names;
    }

    withContext(context: RequestContext): AuthClients<string> {
      return this.#bind().withContext(context);
    }

    close(): Promise<void> {
      return registry.close();
    }

    toJSON(): Record<string, unknown> {
      return { clients: registry.names, tenant: this.#resolveTenant() };
    }

    #resolveTenant(): string | undefined {
      if (this.#tenant === undefined) {
        this.#tenant = { value: tenantOf(resolveTenant, this.#exchange.request) };
      }
      return this.#tenant.value;
    }

    #bind(): AuthClients<string> {
      if (this.#bound === undefined) {
        const context: RequestContext = {};
        const signal = disconnectSignal(this.#exchange.rawResponse);
        if (signal !== undefined) context.signal = signal;
        const tenant = this.#resolveTenant();
        if (tenant !== undefined) context.tenant = tenant;
        const headers = pickHeaders(this.#exchange.rawRequest, propagateHeaders);
        if (headers !== undefined) context.headers = headers;
        this.#bound = registry.withContext(context);
      }
      return this.#bound;
    }

    static bound(view: RequestAuthClients): AuthClients<string> {
      return view.#bind();
    }
  }

  for (const name of registry.names) {
    Object.defineProperty(RequestAuthClients.prototype, name, {
      enumerable: true,
      configurable: true,
      get(this: RequestAuthClients) {
        const client = RequestAuthClients.bound(this)[name];
        Object.defineProperty(this, name, { value: client, enumerable: true });
        return client;
      },
    });
  }
  return RequestAuthClients as unknown as new (
    exchange: HttpExchange,
  ) => AuthClients<string>;
}

function tenantOf(
  resolve: ResolvedAuthClientsOptions['tenant'],
  request: PlatformRequest,
): string | undefined {
  if (resolve === undefined) return undefined;
  const tenant: unknown = resolve(request);
  if (tenant === undefined || tenant === null || tenant === '') return undefined;
  if (typeof tenant !== 'string') {
    throw new TypeError(
      `AuthClientsModule: the tenant resolver returned a ${typeof tenant}; expected a string or undefined`,
    );
  }
  return tenant;
}

/**
 * Aborts when the client goes away before the response has been sent: the response closes without
 * having finished. Created only when a client of the request's view is first used.
 */
function disconnectSignal(response: ServerResponse | undefined): AbortSignal | undefined {
  if (response === undefined) return undefined;
  const controller = new AbortController();
  const abort = () => controller.abort(new ClientDisconnectedError());
  if (response.writableFinished) return controller.signal;
  if (response.destroyed || response.closed) {
    abort();
  } else {
    response.once('close', () => {
      if (!response.writableFinished) abort();
    });
  }
  return controller.signal;
}

/** The propagated headers present on the request, or `undefined` when none is. */
function pickHeaders(
  request: IncomingMessage,
  names: readonly string[],
): Record<string, string> | undefined {
  let headers: Record<string, string> | undefined;
  for (const name of names) {
    const value = request.headers[name];
    if (value === undefined) continue;
    headers ??= {};
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
