/**
 * The lazy `req.authClients` property. The middleware records which configuration applies and
 * defines the accessor (a shared descriptor, no closure per request); the getter builds the
 * request-bound registry view on first access: abort signal, tenant, headers.
 *
 * @internal
 */

import { IncomingMessage } from 'node:http';
import type { AuthClients } from '@auth/core';
import {
  abortOnDisconnect,
  type BoundRequest,
  bindRequest,
  nodeHeaders,
  type ResolvedAdapterOptions,
} from '@auth/core/adapter';
import type { Request } from 'express';

type MiddlewareConfig = ResolvedAdapterOptions<Request>;

const CONFIG = Symbol('authClients.config');
const BOUND = Symbol('authClients.bound');

/** What the getter built for one request, and under which configuration. */
interface Bound {
  readonly config: MiddlewareConfig;
  readonly request: BoundRequest;
}

/** The symbol-keyed slots this module keeps on an Express request. */
interface Slots {
  [CONFIG]?: MiddlewareConfig | undefined;
  [BOUND]?: Bound | undefined;
}

type SlottedRequest = Request & Slots;

/**
 * The accessor. Not on `app.request`: a mounted sub-app swaps the request's prototype for its own,
 * which would hide an accessor defined on the parent's; see {@link install}.
 */
const ACCESSOR: PropertyDescriptor = Object.freeze({
  configurable: true,
  enumerable: false,
  get: getAuthClients,
  set: setAuthClients,
});

/** Makes `req.authClients` resolve to `config`'s registry for this request (a later one wins). */
export function enter(req: Request, config: MiddlewareConfig): void {
  (req as SlottedRequest)[CONFIG] = config;
  if (!('authClients' in req)) install(req);
}

/**
 * Defines the accessor once on Express's shared request prototype (`express.request`, the one
 * right above `http.IncomingMessage.prototype`, which every app's and mounted sub-app's request
 * prototype inherits from), so that a request pays one property write, not a `defineProperty` that
 * would turn it into a slow dictionary object. A request outside that chain gets its own accessor.
 */
function install(req: Request): void {
  let prototype: object | null = Object.getPrototypeOf(req);
  while (prototype !== null && Object.getPrototypeOf(prototype) !== IncomingMessage.prototype) {
    prototype = Object.getPrototypeOf(prototype);
  }
  Object.defineProperty(prototype ?? req, 'authClients', ACCESSOR);
}

/** The request's binding, once `req.authClients` was read (for `failureAnswer`). */
export function boundOf(req: Request): BoundRequest | undefined {
  return (req as SlottedRequest)[BOUND]?.request;
}

function getAuthClients(this: SlottedRequest): AuthClients | undefined {
  const config = this[CONFIG];
  // A request of an app (or a route) the middleware does not serve.
  if (config === undefined) return undefined;
  const bound = this[BOUND];
  if (bound !== undefined && bound.config === config) return bound.request.view;
  const request = bindRequest(config, () => ({
    request: this,
    header: nodeHeaders(this.headers),
    // Express links every request to its response (`req.res`) before any middleware runs.
    ...(this.res === undefined ? {} : { signal: abortOnDisconnect(this.res) }),
  }));
  this[BOUND] = { config, request };
  return request.view;
}

/** Assigning `req.authClients` (e.g. a test double) replaces it for this request only. */
function setAuthClients(this: SlottedRequest, value: unknown): void {
  Object.defineProperty(this, 'authClients', {
    configurable: true,
    enumerable: true,
    writable: true,
    value,
  });
}
