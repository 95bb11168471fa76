/**
 * `@auth/hono`: `app.use(authClients(clients))`, then `c.var.authClients.<name>.fetch(...)` in any
 * handler, with the request's signal, tenant and correlation headers applied.
 *
 * @packageDocumentation
 */
export { authClients } from './auth-clients.js';
export {
  AUTH_PROBLEM_DETAIL,
  AuthGatewayException,
  type AuthProblem,
  authProblem,
} from './auth-gateway-exception.js';
export { type AuthClientsOptions, DEFAULT_PROPAGATE_HEADERS } from './options.js';
export type { AuthClientsEnv, AuthClientsRegistry, AuthClientsVariables } from './types.js';
