import type { AuthClients } from '@auth/core';

/**
 * Declare your registry's type here once, and `ctx.authClients` is typed from it everywhere
 * (the pattern TanStack Router and Hono use):
 *
 * @example
 * export const clients = createAuthClients({ alertsite: presets.alertsite({ username, password }) });
 *
 * declare module '@auth/koa' {
 *   interface Register {
 *     clients: typeof clients;
 *   }
 * }
 * // ctx.authClients.alertsite is an AuthClient; ctx.authClients.typo is a type error.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by users (declaration merging).
export interface Register {}

/**
 * The type of `ctx.authClients`: the registry declared in {@link Register}, or an untyped
 * `AuthClients` (any name, each possibly `undefined`) until one is declared.
 */
export type RegisteredAuthClients = ClientsOf<Register>;

/**
 * The registry type a `Register`-shaped type declares: `R['clients']` when present, else the
 * untyped `AuthClients`. For libraries that build on this adapter with their own register.
 */
export type ClientsOf<R> = R extends {
  /** The registry type, as declared in {@link Register}. */
  clients: infer Clients;
}
  ? Clients
  : AuthClients;

declare module 'koa' {
  interface DefaultContext {
    /**
     * The registry of `app.use(authClients(clients))`, bound to this request: outbound calls
     * carry the request's tenant and correlation headers and are aborted when the client
     * disconnects. Built on first access; a route that never reads it pays nothing.
     * Type it once with `declare module '@auth/koa' { interface Register { clients: typeof clients } }`.
     */
    authClients: RegisteredAuthClients;
  }
}
