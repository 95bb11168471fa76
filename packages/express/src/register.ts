import type { ClientsOf } from '@auth/core/adapter';

/**
 * Declare your registry's type here once, and `req.authClients` is typed from it everywhere:
 *
 * @example
 * export const clients = createAuthClients({ alertsite: presets.alertsite({ username, password }) });
 *
 * declare module '@auth/express' {
 *   interface Register {
 *     clients: typeof clients;
 *   }
 * }
 * // req.authClients.alertsite is an AuthClient; req.authClients.typo is a type error.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by users (declaration merging).
export interface Register {}

/**
 * The type of `req.authClients`: the registry declared in {@link Register}, or an untyped
 * `AuthClients` (any name, each possibly `undefined`) until one is declared.
 */
export type RegisteredAuthClients = ClientsOf<Register>;

declare global {
  // Express types its request through this global namespace (both @types/express 4 and 5).
  namespace Express {
    interface Request {
      /**
       * The registry of `app.use(authClients(clients))`, bound to this request: outbound calls
       * carry the request's tenant and correlation headers and are aborted when the client
       * disconnects. Built on first access; a route that never reads it pays nothing more.
       * Type it once with `declare module '@auth/express' { interface Register { clients: typeof clients } }`.
       */
      authClients: RegisteredAuthClients;
    }
  }
}

export type { ClientsOf };
