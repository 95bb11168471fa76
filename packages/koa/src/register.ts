import type { ClientsOf } from '@auth/core/adapter';

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

export type { ClientsOf };
