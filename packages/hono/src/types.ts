import type { AuthEventListener, RequestContext } from '@auth/core';

/**
 * What {@link authClients} needs from a registry: what `createAuthClients()` from `@auth/core`
 * returns. Kept structural so the exact registry type (`typeof clients`) flows into `c.var`.
 */
export interface AuthClientsRegistry {
  /** A registry view bound to one request. */
  withContext(context: RequestContext): unknown;
  /** Names of the clients. */
  readonly names: readonly string[];
  /** Releases every client's store. */
  close(): Promise<void>;
  /** Adds an event listener (the middleware reports failed token requests); returns its remover. */
  subscribe(listener: AuthEventListener): () => void;
}

/**
 * The context variables {@link authClients} sets: `c.var.authClients` is the request-bound view
 * of the registry, typed exactly like the registry (`typeof clients`).
 *
 * Also the shape to extend when augmenting Hono's `ContextVariableMap` instead of threading the
 * middleware's type through `app.use()`:
 *
 * @example
 * import type { AuthClientsVariables } from '@auth/hono';
 * import type { clients } from './clients.js';
 *
 * declare module 'hono' {
 *   interface ContextVariableMap extends AuthClientsVariables<typeof clients> {}
 * }
 */
export interface AuthClientsVariables<Registry extends AuthClientsRegistry> {
  /** The request-bound registry view: `c.var.authClients.alertsite.fetch('devices')`. */
  authClients: Registry;
}

/**
 * The Hono `Env` of the middleware returned by {@link authClients}. Use it to type an app or a
 * sub-app that runs behind the middleware: `new Hono<AuthClientsEnv<typeof clients>>()`.
 */
export interface AuthClientsEnv<Registry extends AuthClientsRegistry> {
  /** Context variables set by the middleware. */
  Variables: AuthClientsVariables<Registry>;
}
