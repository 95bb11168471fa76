/**
 * The lazy `request.authClients` decorator: a getter on the scope's request prototype that builds
 * the request-bound registry view on first access (abort signal, tenant, headers), and the slots
 * it keeps on each request.
 *
 * @internal
 */
import type { ServerResponse } from 'node:http';
import {
  abortOnDisconnect,
  type BoundRequest,
  bindRequest,
  nodeHeaders,
  type ResolvedAdapterOptions,
} from '@auth/core/adapter';
import type { FastifyRequest } from 'fastify';
import type { RegisteredAuthClients } from './register.js';

type PluginConfig = ResolvedAdapterOptions<FastifyRequest>;

/** The configuration that applies to the request, recorded by an `onRequest` hook. */
export const CONFIG = Symbol('authClients.config');
/** The Node response of the request (`reply.raw`), recorded by the same hook. */
export const RESPONSE = Symbol('authClients.response');
/** What the getter built for the request. */
export const BOUND = Symbol('authClients.bound');

interface Bound {
  readonly config: PluginConfig;
  readonly request: BoundRequest;
}

/** The symbol-keyed slots this module keeps on a Fastify request (decorated, so `null` first). */
export interface Slots {
  [CONFIG]: PluginConfig | null;
  [RESPONSE]: ServerResponse | null;
  [BOUND]: Bound | null;
}

type SlottedRequest = FastifyRequest & Slots;

/** Records what {@link getAuthClients} needs: the configuration of the innermost plugin, the response. */
export function enter(
  request: FastifyRequest,
  response: ServerResponse,
  config: PluginConfig,
): void {
  const slotted = request as SlottedRequest;
  slotted[CONFIG] = config;
  slotted[RESPONSE] = response;
}

/** The `request.authClients` getter (typed as the registry declared in `Register`). */
export function getAuthClients(this: FastifyRequest): RegisteredAuthClients {
  const slotted = this as SlottedRequest;
  const config = slotted[CONFIG];
  if (config === null) {
    throw new Error('request.authClients is only available once authClientsPlugin has loaded');
  }
  const bound = slotted[BOUND];
  // The registry the user declared in `Register` is the one they passed: its view has its type.
  if (bound !== null && bound.config === config) {
    return bound.request.view as unknown as RegisteredAuthClients;
  }
  const response = slotted[RESPONSE];
  const request = bindRequest(config, () => ({
    request: this,
    header: nodeHeaders(this.headers),
    ...(response === null ? {} : { signal: abortOnDisconnect(response) }),
  }));
  slotted[BOUND] = { config, request };
  return request.view as unknown as RegisteredAuthClients;
}

/** Assigning `request.authClients` (e.g. a test double) replaces it for this request only. */
export function setAuthClients(this: FastifyRequest, value: unknown): void {
  Object.defineProperty(this, 'authClients', {
    configurable: true,
    enumerable: true,
    writable: true,
    value,
  });
}

/** The request's binding, once `request.authClients` was read (for `failureAnswer`). */
export function boundOf(request: FastifyRequest): BoundRequest | undefined {
  return (request as SlottedRequest)[BOUND]?.request;
}
