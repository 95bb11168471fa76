import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthClients } from '@auth/core';
import {
  bindRequest,
  handleTokenFailures,
  nodeHeaders,
  type ResolvedAdapterOptions,
  tokenFailureLogger,
} from '@auth/core/adapter';
import { Logger } from '@nestjs/common';
import type { PlatformRequest } from './auth-clients.options.js';
import { disconnectSignal } from './client-disconnected.js';

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
 * Hands each request a lazy, request-bound view of the registry, and logs the registry's token
 * failures (once per failed token request) until it is closed. One per application, built from
 * the validated options at bootstrap; singleton (no request-scoped providers).
 * @internal
 */
export class AuthClientsBinder {
  /** The app-wide registry. */
  readonly clients: AuthClients<string>;
  readonly #options: ResolvedAdapterOptions<PlatformRequest>;
  readonly #views = new WeakMap<IncomingMessage, AuthClients<string>>();
  readonly #stopLogging: () => void;
  #closed: Promise<void> | undefined;

  constructor(options: ResolvedAdapterOptions<PlatformRequest>) {
    this.clients = options.clients;
    this.#options = options;
    // Through Nest's `Logger` (context `AuthClients`): `error` when callers get the failure,
    // `warn` for a failed background refresh while the current token is still served.
    this.#stopLogging = handleTokenFailures(
      options.clients,
      undefined,
      tokenFailureLogger(new Logger('AuthClients')),
    );
  }

  /**
   * The request's view: the same object for every use within one request. Creating it allocates
   * one small object; the abort signal, the tenant and the headers are only computed when a client
   * of the view is first used.
   */
  bind(exchange: HttpExchange): AuthClients<string> {
    let view = this.#views.get(exchange.rawRequest);
    if (view === undefined) {
      const { request, rawRequest, rawResponse } = exchange;
      view = bindRequest(this.#options, () => ({
        request,
        header: nodeHeaders(rawRequest.headers),
        ...(rawResponse === undefined ? {} : { signal: disconnectSignal(rawResponse) }),
      })).view;
      this.#views.set(rawRequest, view);
    }
    return view;
  }

  /** Closes the registry once, however often it is called. */
  close(): Promise<void> {
    this.#stopLogging();
    this.#closed ??= this.clients.close();
    return this.#closed;
  }
}
