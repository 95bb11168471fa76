import type { IncomingHttpHeaders } from 'node:http';
import {
  type AdapterOptions,
  AuthConfigError,
  type AuthEventListener,
  type RequestContext,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from '@auth/core';
import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';

/**
 * The request object of the HTTP platform, as tenant resolvers get it: Express's `Request` or
 * Fastify's `FastifyRequest`. Both carry the incoming `headers` (names lower-cased).
 */
export interface PlatformRequest {
  /** The incoming request headers, names lower-cased (Node's `IncomingHttpHeaders`). */
  readonly headers: IncomingHttpHeaders;
}

/**
 * Any registry returned by `createAuthClients()` from `@auth/core`, whatever its client names.
 * (`AuthClients<'a' | 'b'>` is not assignable to `AuthClients<string>`, so options use this.)
 */
export interface AuthClientsRegistry {
  /** Names of the clients, in definition order. */
  readonly names: readonly string[];
  /** A view of the registry bound to one request. */
  withContext(context: RequestContext): object;
  /** Releases the clients' stores. */
  close(): Promise<void>;
  /** Adds an event listener (the module logs failed token requests); returns its remover. */
  subscribe(listener: AuthEventListener): () => void;
}

/**
 * Options of `AuthClientsModule.forRoot()`, or what the `forRootAsync()` factory returns.
 * Validated once, when the application bootstraps: a mistake fails the bootstrap with an
 * `AuthConfigError` naming the option.
 */
export interface AuthClientsModuleOptions extends AdapterOptions<PlatformRequest> {
  /**
   * The registry from `createAuthClients()`. Required. The module owns it from now on: it is
   * closed (`clients.close()`) when the application shuts down (`app.close()`).
   */
  clients: AuthClientsRegistry;
  /**
   * Resolves the request's tenant from the platform request (Express `Request` or
   * `FastifyRequest`); see `AdapterOptions.tenant` of `@auth/core`.
   *
   * @example
   * tenant: (request) => request.headers['x-tenant-id'] as string | undefined
   */
  tenant?(request: PlatformRequest): string | null | undefined;
}

/**
 * Options that shape the module itself. Given next to the options in `forRoot({...})`, and next to
 * `useFactory` / `useClass` / `useExisting` in `forRootAsync({...})` (never inside what the factory
 * returns), because they decide which providers exist before any factory runs.
 */
export interface AuthClientsModuleExtras {
  /**
   * Register the module globally: every module can inject the clients and use `@AuthClients()`
   * without importing `AuthClientsModule`. Default `false`.
   */
  isGlobal?: boolean;
  /**
   * Register the module's exception filters app-wide (`APP_FILTER`): {@link AuthErrorFilter} (an
   * `AuthError` leaving a handler answers `502 Bad Gateway` with a problem-details body) and
   * {@link ClientDisconnectedFilter} (a call aborted because the client went away ends quietly).
   * `false` leaves both errors to your own filters (or Nest's default 500). Default `true`.
   */
  exceptionFilter?: boolean;
}

/** Argument of `AuthClientsModule.forRoot()`. */
export type AuthClientsModuleForRootOptions = AuthClientsModuleOptions & AuthClientsModuleExtras;

/** Name of the method a `useClass` / `useExisting` options factory implements. */
export const OPTIONS_FACTORY_METHOD = 'createAuthClientsOptions';

/**
 * A class that builds the module options, for `forRootAsync({ useClass })` or `{ useExisting }`.
 *
 * @example
 * @Injectable()
 * class AuthClientsConfig implements AuthClientsOptionsFactory {
 *   constructor(@Inject(ConfigService) private readonly config: ConfigService) {}
 *   createAuthClientsOptions() {
 *     return { clients: createAuthClients({ ... this.config.get(...) ... }) };
 *   }
 * }
 */
export interface AuthClientsOptionsFactory {
  /** Returns the module options (`clients`, `tenant`, `propagateHeaders`); runs once, at bootstrap. */
  createAuthClientsOptions(): AuthClientsModuleOptions | Promise<AuthClientsModuleOptions>;
}

/**
 * Argument of `AuthClientsModule.forRootAsync()`: `imports` and one of `useFactory` (with
 * `inject`), `useClass` or `useExisting`, plus the {@link AuthClientsModuleExtras}.
 */
export type AuthClientsModuleAsyncOptions = ConfigurableModuleAsyncOptions<
  AuthClientsModuleOptions,
  'createAuthClientsOptions' // OPTIONS_FACTORY_METHOD, spelled out for the API reference
> &
  AuthClientsModuleExtras;

const EXTRAS = ['isGlobal', 'exceptionFilter'] as const;

/**
 * Checks the module options once, at bootstrap. Throws an `AuthConfigError` naming the option.
 * @internal
 */
export function validateModuleOptions(options: unknown): ResolvedAdapterOptions<PlatformRequest> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new AuthConfigError(
      'AuthClientsModule',
      'expected an options object such as { clients } (check what the forRootAsync factory returns)',
    );
  }
  for (const key of EXTRAS) {
    if (Object.hasOwn(options, key)) {
      throw new AuthConfigError(
        key,
        'belongs next to useFactory/useClass/useExisting in forRootAsync(), not in the options the factory returns',
      );
    }
  }
  return resolveAdapterOptions((options as { clients?: unknown }).clients, options, ['clients']);
}

/**
 * Checks the extras when `forRoot()` / `forRootAsync()` is called.
 * @internal
 */
export function validateExtras(extras: AuthClientsModuleExtras): void {
  for (const key of EXTRAS) {
    const value = extras[key];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new AuthConfigError(key, 'expected true or false');
    }
  }
}
