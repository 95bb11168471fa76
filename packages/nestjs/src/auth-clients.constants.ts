/**
 * Injection tokens of `@auth/nestjs`. Symbols from the global registry (`Symbol.for`), so two
 * copies of the package in one app still agree on them.
 */

/**
 * Token of the app-wide registry (`AuthClients` from `@auth/core`).
 * Prefer {@link InjectAuthClients}; use the token in `inject: [...]` arrays and test overrides.
 */
export const AUTH_CLIENTS: unique symbol = Symbol.for('@auth/nestjs:AuthClients');

/**
 * Token of the options object given to `AuthClientsModule.forRoot()` or returned by the
 * `forRootAsync()` factory (before validation).
 */
export const AUTH_CLIENTS_MODULE_OPTIONS: unique symbol = Symbol.for(
  '@auth/nestjs:AuthClientsModuleOptions',
);

/** @internal Token of the validated options and the per-request binder built from them. */
export const AUTH_CLIENTS_BINDER: unique symbol = Symbol.for('@auth/nestjs:AuthClientsBinder');

/**
 * Injection token of one app-wide client, as provided by `AuthClientsModule` and used by
 * {@link InjectAuthClient}. Stable: the same name always gives the same token.
 *
 * @example
 * // Replace a client in a unit test:
 * Test.createTestingModule({
 *   providers: [DevicesService, { provide: getAuthClientToken('alertsite'), useValue: fakeClient }],
 * });
 */
export function getAuthClientToken(name: string): symbol {
  return Symbol.for(`@auth/nestjs:AuthClient:${name}`);
}

/**
 * Injection token of the authenticated `HttpService` of one client, as provided by
 * `AuthClientsModule` for `@InjectAuthHttp()` (from `@auth/nestjs/http`). Stable: the same name
 * always gives the same token.
 *
 * @example
 * // Replace it in a unit test:
 * Test.createTestingModule({
 *   providers: [DevicesService, { provide: getAuthHttpToken('alertsite'), useValue: fakeHttp }],
 * });
 */
export function getAuthHttpToken(name: string): symbol {
  return Symbol.for(`@auth/nestjs:AuthHttp:${name}`);
}
