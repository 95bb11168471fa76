/**
 * `@auth/nestjs`: the NestJS module of `@auth/core`. Register named authenticated clients once,
 * inject them into services, and hand each HTTP request a lazy view bound to it (abort on
 * disconnect, tenant, correlation headers).
 *
 * @example
 * import { AuthClients, AuthClientsModule } from '@auth/nestjs';
 *
 * @Module({ imports: [AuthClientsModule.forRoot({ clients })], controllers: [DevicesController] })
 * export class AppModule {}
 *
 * @Controller()
 * class DevicesController {
 *   @Get('devices')
 *   async devices(@AuthClients() clients: AuthClients<'alertsite'>) {
 *     return (await clients.alertsite.fetch('devices')).json();
 *   }
 * }
 */
export type { AuthClient } from '@auth/core';
export {
  DEFAULT_PROPAGATE_HEADERS,
  PROBLEM_CONTENT_TYPE,
  type TokenProblemDetails as AuthProblemDetails,
  tokenProblem as problemDetails,
} from '@auth/core/adapter';
export {
  AUTH_CLIENTS,
  AUTH_CLIENTS_MODULE_OPTIONS,
  getAuthClientToken,
  getAuthHttpToken,
} from './auth-clients.constants.js';
export { AuthClients, InjectAuthClient, InjectAuthClients } from './auth-clients.decorators.js';
export { AuthClientsModule } from './auth-clients.module.js';
export type {
  AuthClientsModuleAsyncOptions,
  AuthClientsModuleExtras,
  AuthClientsModuleForRootOptions,
  AuthClientsModuleOptions,
  AuthClientsOptionsFactory,
  AuthClientsRegistry,
  PlatformRequest,
} from './auth-clients.options.js';
export { AuthErrorFilter } from './auth-error.filter.js';
export { ClientDisconnectedError, ClientDisconnectedFilter } from './client-disconnected.js';
