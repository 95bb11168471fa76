import { type AuthClient, type AuthClients, AuthConfigError, isAuthClients } from '@auth/core';
import {
  type DynamicModule,
  type FactoryProvider,
  Inject,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { AuthClientsBinder } from './auth-clients.binder.js';
import {
  AUTH_CLIENTS,
  AUTH_CLIENTS_BINDER,
  getAuthClientToken,
  getAuthHttpToken,
} from './auth-clients.constants.js';
import { AuthClientsConfigurableModule } from './auth-clients.module-definition.js';
import type {
  AuthClientsModuleAsyncOptions,
  AuthClientsModuleForRootOptions,
} from './auth-clients.options.js';
import { loadAuthHttp } from './auth-http.js';
import {
  consumersInApp,
  onRequestedClientName,
  onRequestedHttpName,
} from './requested-client-names.js';

/**
 * Registers the app's named clients (a registry from `createAuthClients()`) once, for
 * `@InjectAuthClient('name')`, `@InjectAuthClients()` and the request-bound `@AuthClients()`; with
 * `@nestjs/axios`, for `@InjectAuthHttp('name')` and `@AuthHttp()` too (an `HttpService` per client).
 * Import it once, usually in the root module. Options are validated at bootstrap; the registry
 * is closed on application shutdown (`app.close()`).
 *
 * @example
 * @Module({
 *   imports: [
 *     AuthClientsModule.forRoot({
 *       clients: createAuthClients({ alertsite: presets.alertsite({ username, password }) }),
 *       tenant: (request) => request.headers['x-tenant-id'] as string | undefined,
 *     }),
 *   ],
 *   controllers: [DevicesController],
 * })
 * export class AppModule {}
 */
@Module({})
export class AuthClientsModule
  extends AuthClientsConfigurableModule
  implements OnApplicationShutdown
{
  /** @internal Nest creates the module; the binder is the module's own provider. */
  constructor(@Inject(AUTH_CLIENTS_BINDER) private readonly binder: AuthClientsBinder) {
    super();
  }

  /**
   * The module for a registry you already have.
   *
   * Options: `clients` (required), `tenant` (default none), `propagateHeaders` (default
   * `['x-request-id', 'traceparent']`), `isGlobal` (default `false`), `exceptionFilter`
   * (default `true`).
   */
  static override forRoot(options: AuthClientsModuleForRootOptions): DynamicModule {
    const names = isAuthClients(options?.clients) ? options.clients.names : [];
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = AuthClientsModule, the module Nest instantiates.
    return provideClients(super.forRoot(options), names);
  }

  /**
   * The module with options built at bootstrap, e.g. from `ConfigService`: `imports` plus
   * `useFactory` (with `inject`), `useClass` or `useExisting` (a class implementing
   * `createAuthClientsOptions()`); `isGlobal` and `exceptionFilter` go next to them.
   *
   * The client names are unknown until the factory has run, so the per-client providers are
   * those `@InjectAuthClient(name)` asks for (inject a client with that decorator, or take it from
   * `@InjectAuthClients()`); a name the registry lacks fails the bootstrap with an
   * `AuthConfigError` naming the class that injects it.
   *
   * @example
   * AuthClientsModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({
   *     clients: createAuthClients({
   *       alertsite: presets.alertsite({
   *         username: config.getOrThrow('ALERTSITE_USERNAME'),
   *         password: config.getOrThrow('ALERTSITE_PASSWORD'),
   *       }),
   *     }),
   *   }),
   * })
   */
  static override forRootAsync(options: AuthClientsModuleAsyncOptions): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = AuthClientsModule, the module Nest instantiates.
    return provideClients(super.forRootAsync(options), []);
  }

  /** Closes the registry's stores (timers, connections). */
  async onApplicationShutdown(): Promise<void> {
    await this.binder.close();
  }
}

/**
 * Provides (and exports) `getAuthClientToken(name)` for each name of the registry known now and
 * each name `@InjectAuthClient()` asks for, now or later (the definition is updated in place).
 */
function provideClients(definition: DynamicModule, knownNames: readonly string[]): DynamicModule {
  const provided = new Set<string>();
  const provide = (name: string) => {
    if (provided.has(name)) return;
    provided.add(name);
    addProvider(definition, {
      provide: getAuthClientToken(name),
      inject: [AUTH_CLIENTS, ModulesContainer],
      useFactory: (clients: AuthClients<string>, modules: ModulesContainer) =>
        clientOrFail(clients, name, modules),
    });
  };
  for (const name of knownNames) provide(name);
  onRequestedClientName(provide);
  onRequestedHttpName((name) => {
    addProvider(definition, {
      provide: getAuthHttpToken(name),
      inject: [getAuthClientToken(name)],
      useFactory: async (client: AuthClient | undefined) =>
        client === undefined ? undefined : (await loadAuthHttp())(client),
    });
  });
  return definition;
}

/** Adds `provider` to the module and exports its token. */
function addProvider(
  definition: DynamicModule,
  provider: FactoryProvider & { provide: symbol },
): void {
  definition.providers = definition.providers ?? [];
  definition.providers.push(provider);
  definition.exports = definition.exports ?? [];
  definition.exports.push(provider.provide);
}

/**
 * The client `name`; if the registry lacks it, an `AuthConfigError` naming the classes of this app
 * that inject it. `undefined` when only classes of other apps in the process asked for it.
 */
function clientOrFail(
  clients: AuthClients<string>,
  name: string,
  modules: ModulesContainer,
): AuthClient | undefined {
  if (clients.names.includes(name)) return clients[name];
  const consumers = consumersInApp(name, modules);
  if (consumers.length === 0) return undefined;
  throw new AuthConfigError(
    'clients',
    `${consumers.join(', ')} inject${consumers.length === 1 ? 's' : ''} @InjectAuthClient('${name}'), but the registry has no client "${name}" (it has: ${clients.names.join(', ')})`,
  );
}
