import { AuthConfigError, type AuthClients as Registry } from '@auth/core';
import { createParamDecorator, type ExecutionContext, Inject } from '@nestjs/common';
import { AUTH_CLIENTS, getAuthClientToken } from './auth-clients.constants.js';
import { RequestAuthClientsPipe } from './request-auth-clients.pipe.js';
import { requestClientName } from './requested-client-names.js';

/**
 * The registry type of `@auth/core`, re-exported under the decorator's name so a handler parameter
 * reads `@AuthClients() clients: AuthClients<'alertsite' | 'billing'>`.
 */
export type AuthClients<Name extends string = string> = Registry<Name>;

const executionContext = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ExecutionContext => context,
);

/**
 * Parameter decorator: the registry bound to the current request. Each client of it
 * (`clients.alertsite`) carries
 * - an abort signal that fires when the client disconnects before the response is sent,
 *   aborting the outbound call (Express and Fastify);
 * - the tenant from the module's `tenant` resolver;
 * - the incoming `propagateHeaders` (default `x-request-id`, `traceparent`).
 *
 * Lazy: none of that is computed until the handler first uses a client. No request-scoped
 * providers: the controller stays a singleton. The controller's module must import
 * `AuthClientsModule` (or register it with `isGlobal: true`).
 *
 * @example
 * @Get('devices')
 * devices(@AuthClients() clients: AuthClients<'alertsite'>) {
 *   return clients.alertsite.fetch('devices').then((res) => res.json());
 * }
 */
export function AuthClients(): ParameterDecorator {
  return executionContext(RequestAuthClientsPipe);
}

/**
 * Injects one app-wide client (`AuthClient` from `@auth/core`) by name: not bound to a request,
 * for services, jobs and startup code. Token: {@link getAuthClientToken}(`name`).
 *
 * @example
 * @Injectable()
 * class DevicesService {
 *   constructor(@InjectAuthClient('alertsite') private readonly alertsite: AuthClient) {}
 * }
 */
export function InjectAuthClient(name: string): PropertyDecorator & ParameterDecorator {
  if (typeof name !== 'string' || name === '') {
    throw new AuthConfigError('InjectAuthClient', 'expected the name of a client');
  }
  const inject = Inject(getAuthClientToken(name));
  return (target: object, key: string | symbol | undefined, index?: number) => {
    // A constructor parameter decorates the class; a property, its prototype.
    requestClientName(name, typeof target === 'function' ? target : target.constructor);
    inject(target, key as string | symbol, index as number);
  };
}

/**
 * Injects the app-wide registry (`AuthClients` from `@auth/core`). Token: {@link AUTH_CLIENTS}.
 *
 * @example
 * constructor(@InjectAuthClients() private readonly clients: AuthClients<'alertsite'>) {}
 */
export function InjectAuthClients(): PropertyDecorator & ParameterDecorator {
  return Inject(AUTH_CLIENTS);
}
