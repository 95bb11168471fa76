/**
 * The lazy `ctx.authClients` property. The middleware only records which configuration applies
 * (one property write per request); the getter, installed once on the app's context prototype,
 * builds the request-bound registry view on first access: abort signal, tenant, headers.
 *
 * @internal
 */
import type { AuthClients } from '@auth/core';
import {
  abortOnDisconnect,
  type BoundRequest,
  bindRequest,
  nodeHeaders,
  type ResolvedAdapterOptions,
} from '@auth/core/adapter';
import type { Context } from 'koa';

type MiddlewareConfig = ResolvedAdapterOptions<Context>;

const CONFIG = Symbol('authClients.config');
const BOUND = Symbol('authClients.bound');
const INSTALLED = Symbol('authClients.installed');

/** What the getter built for one request, and under which configuration. */
interface Bound {
  readonly config: MiddlewareConfig;
  readonly request: BoundRequest;
}

/** The symbol-keyed slots this module keeps on a Koa context. */
interface Slots {
  [CONFIG]?: MiddlewareConfig | undefined;
  [BOUND]?: Bound | undefined;
  [INSTALLED]?: true;
}

type SlottedContext = Context & Slots;

/**
 * Makes `ctx.authClients` resolve to `config`'s registry for this request and what runs below.
 * Returns the configuration that applied before (an outer `authClients()`), to restore after.
 */
export function enter(ctx: Context, config: MiddlewareConfig): MiddlewareConfig | undefined {
  const slotted = ctx as SlottedContext;
  if (slotted[INSTALLED] !== true) install(slotted);
  const outer = slotted[CONFIG];
  slotted[CONFIG] = config;
  return outer;
}

/** Restores the configuration an outer `authClients()` set. */
export function leave(ctx: Context, outer: MiddlewareConfig | undefined): void {
  if (outer !== undefined) (ctx as SlottedContext)[CONFIG] = outer;
}

/** The request's binding, once `ctx.authClients` was read (for `failureAnswer`). */
export function boundOf(ctx: Context): BoundRequest | undefined {
  return (ctx as SlottedContext)[BOUND]?.request;
}

/**
 * Defines the accessor on the context's prototype (`app.context`, what Koa documents for adding
 * properties to every `ctx`); a context without a Koa prototype gets it as an own property.
 */
function install(ctx: SlottedContext): void {
  const proto: unknown = Object.getPrototypeOf(ctx);
  const target = proto === null || proto === Object.prototype ? ctx : (proto as object);
  Object.defineProperty(target, 'authClients', {
    configurable: true,
    enumerable: false,
    get: getAuthClients,
    set: setAuthClients,
  });
  Object.defineProperty(target, INSTALLED, { configurable: true, value: true });
}

function getAuthClients(this: SlottedContext): AuthClients {
  const config = this[CONFIG];
  if (config === undefined) {
    throw new Error(
      'ctx.authClients is only available in middleware and routes after app.use(authClients(clients))',
    );
  }
  const bound = this[BOUND];
  if (bound !== undefined && bound.config === config) return bound.request.view;
  const request = bindRequest(config, () => ({
    request: this,
    header: nodeHeaders(this.req.headers),
    signal: abortOnDisconnect(this.res),
  }));
  this[BOUND] = { config, request };
  return request.view;
}

/** Assigning `ctx.authClients` (e.g. a test double) replaces it for this request only. */
function setAuthClients(this: SlottedContext, value: unknown): void {
  Object.defineProperty(this, 'authClients', {
    configurable: true,
    enumerable: true,
    writable: true,
    value,
  });
}
