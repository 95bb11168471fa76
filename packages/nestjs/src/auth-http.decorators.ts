import { AuthConfigError } from '@auth/core';
import type { HttpService } from '@nestjs/axios';
import { createParamDecorator, type ExecutionContext, Inject } from '@nestjs/common';
import { getAuthHttpToken } from './auth-clients.constants.js';
import { RequestAuthHttpPipe } from './request-auth-http.pipe.js';
import { requestHttpName } from './requested-client-names.js';

const executionContext = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ExecutionContext => context,
);

/**
 * Injects an `HttpService` (`@nestjs/axios`) that calls the client `name`'s API with its token:
 * `withAuthClient` of `@auth/axios` on a fresh axios instance whose `baseURL` is the client's
 * (token only to the client's origins, one retry after a 401, typed errors). App-wide, not bound
 * to a request; for that, use {@link AuthHttp}. Token: {@link getAuthHttpToken}(`name`).
 *
 * Needs the optional peers `@nestjs/axios`, `axios` and `@auth/axios`; without them the bootstrap
 * fails with an `AuthConfigError` naming them. A name the registry lacks fails the bootstrap as
 * `@InjectAuthClient` does.
 *
 * @example
 * @Injectable()
 * class DevicesService {
 *   constructor(@InjectAuthHttp('alertsite') private readonly alertsite: HttpService) {}
 *
 *   devices() {
 *     return firstValueFrom(this.alertsite.get('devices')).then((res) => res.data);
 *   }
 * }
 */
export function InjectAuthHttp(name: string): PropertyDecorator & ParameterDecorator {
  if (typeof name !== 'string' || name === '') {
    throw new AuthConfigError('InjectAuthHttp', 'expected the name of a client');
  }
  const inject = Inject(getAuthHttpToken(name));
  return (target: object, key: string | symbol | undefined, index?: number) => {
    // A constructor parameter decorates the class; a property, its prototype.
    requestHttpName(name, typeof target === 'function' ? target : target.constructor);
    inject(target, key as string | symbol, index as number);
  };
}

/**
 * The type of an `@AuthHttp()` parameter: an `HttpService` per client name, e.g.
 * `AuthHttp<'alertsite' | 'billing'>`, each made when first read and bound to the request.
 */
export type AuthHttp<Name extends string = string> = { readonly [N in Name]: HttpService };

/**
 * Parameter decorator: an `HttpService` per client, bound to the current request the way
 * `@AuthClients()` binds its clients (abort when the client disconnects, tenant, correlation
 * headers). Each is made when the handler first reads it. Needs the optional peers
 * `@nestjs/axios`, `axios` and `@auth/axios`.
 *
 * @example
 * @Get('devices')
 * devices(@AuthHttp() http: AuthHttp<'alertsite'>) {
 *   return http.alertsite.get('devices').pipe(map((res) => res.data));
 * }
 */
export function AuthHttp(): ParameterDecorator {
  return executionContext(RequestAuthHttpPipe);
}
