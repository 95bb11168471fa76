/**
 * `@auth/express`: Express middleware for `@auth/core`. `app.use(authClients(clients))`, then
 * `req.authClients.<name>.fetch(...)` in any route, and `app.use(authErrorHandler())` after the
 * routes for the `502` answer to token failures.
 *
 * @packageDocumentation
 */
export {
  DEFAULT_PROPAGATE_HEADERS,
  type TokenProblemDetails,
  tokenProblem,
} from '@auth/core/adapter';
export { authClients } from './auth-clients.js';
export { authErrorHandler } from './auth-error-handler.js';
export type { AuthClientsOptions, TenantResolver } from './options.js';
export type { ClientsOf, Register, RegisteredAuthClients } from './register.js';
