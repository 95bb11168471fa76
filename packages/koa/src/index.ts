/**
 * `@auth/koa`: Koa middleware for `@auth/core`. `app.use(authClients(clients))`, then
 * `ctx.authClients.<name>.fetch(...)` in any route.
 *
 * @packageDocumentation
 */
export { DEFAULT_PROPAGATE_HEADERS, type TokenProblemDetails, tokenProblem } from '@auth/core';
export { authClients } from './middleware.js';
export type { AuthClientsOptions, TenantResolver } from './options.js';
export type { KoaHttpError } from './problem.js';
export type { ClientsOf, Register, RegisteredAuthClients } from './register.js';
export { TokenFailureError } from './token-failure-error.js';
