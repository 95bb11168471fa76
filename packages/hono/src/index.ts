/**
 * `@auth/hono`: `app.use(authClients(clients))`, then `c.var.authClients.<name>.fetch(...)` in any
 * handler, with the request's signal, tenant and correlation headers applied.
 *
 * @packageDocumentation
 */
export {
  DEFAULT_PROPAGATE_HEADERS,
  type TokenFailureReport,
  type TokenProblemDetails as AuthProblem,
  tokenProblem as authProblem,
} from '@auth/core';
export { authClients } from './auth-clients.js';
export { AuthGatewayException } from './auth-gateway-exception.js';
export type { AuthClientsOptions } from './options.js';
export type { AuthClientsEnv, AuthClientsRegistry, AuthClientsVariables } from './types.js';
