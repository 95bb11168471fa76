/**
 * `@auth/fastify`: the Fastify plugin of `@auth/core`. `app.register(authClientsPlugin, { clients })`,
 * then `request.authClients.<name>.fetch(...)` in any route.
 *
 * @packageDocumentation
 */
export {
  DEFAULT_PROPAGATE_HEADERS,
  type TokenProblemDetails,
  tokenProblem,
} from '@auth/core/adapter';
export type { AuthClientsPluginOptions, AuthClientsRegistry, TenantResolver } from './options.js';
export { authClientsPlugin } from './plugin.js';
export type { ClientsOf, Register, RegisteredAuthClients } from './register.js';
