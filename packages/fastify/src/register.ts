import type { ClientsOf } from '@auth/core/adapter';

/**
 * Declare your registry's type here once, and `request.authClients` is typed from it everywhere:
 *
 * @example
 * export const clients = createAuthClients({ alertsite: presets.alertsite({ username, password }) });
 *
 * declare module '@auth/fastify' {
 *   interface Register {
 *     clients: typeof clients;
 *   }
 * }
 * // request.authClients.alertsite is an AuthClient; request.authClients.typo is a type error.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by users (declaration merging).
export interface Register {}

/**
 * The type of `request.authClients`: the registry declared in {@link Register}, or an untyped
 * `AuthClients` (any name, each possibly `undefined`) until one is declared.
 */
export type RegisteredAuthClients = ClientsOf<Register>;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The registry of `app.register(authClientsPlugin, { clients })`, bound to this request:
     * outbound calls carry the request's tenant and correlation headers and are aborted when the
     * client disconnects. Built on first access; a route that never reads it pays nothing more.
     * Type it once with `declare module '@auth/fastify' { interface Register { clients: typeof clients } }`.
     */
    authClients: RegisteredAuthClients;
  }
}

export type { ClientsOf };
