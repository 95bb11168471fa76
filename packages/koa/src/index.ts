/**
 * `@auth/koa`: Koa middleware for `@auth/core`. `app.use(authClients(clients))`, then
 * `ctx.authClients.<name>.fetch(...)` in any route.
 *
 * @packageDocumentation
 */
export { authClients } from './middleware.js';
export {
  type AuthClientsOptions,
  DEFAULT_PROPAGATE_HEADERS,
  type TenantResolver,
} from './options.js';
export {
  type KoaHttpError,
  TOKEN_FAILURE_DETAIL,
  type TokenProblemDetails,
  tokenProblem,
} from './problem.js';
export type { ClientsOf, Register, RegisteredAuthClients } from './register.js';
