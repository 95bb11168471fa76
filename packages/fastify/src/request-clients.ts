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
  nodeHeaders,
  type ResolvedAdapterOptions,
  requestContext,
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
  readonly view: RegisteredAuthClients;
  /** The view's signal: aborted when the client disconnects. */
  readonly signal: AbortSignal | undefined;
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
  if (bound !== null && bound.config === config) return bound.view;
  const response = slotted[RESPONSE];
  const signal = response === null ? undefined : abortOnDisconnect(response);
  const context = requestContext(config, {
    request: this,
    header: nodeHeaders(this.headers),
    ...(signal === undefined ? {} : { signal }),
  });
  // The registry the user declared in `Register` is the one they passed: its view has its type.
  const view = config.clients.withContext(context) as unknown as RegisteredAuthClients;
  slotted[BOUND] = { config, view, signal };
  return view;
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

/** `true` when `error` is the abort raised because this request's client disconnected. */
export function isClientGone(request: FastifyRequest, error: unknown): boolean {
  const signal = (request as SlottedRequest)[BOUND]?.signal;
  return signal?.aborted === true && signal.reason === error;
}
