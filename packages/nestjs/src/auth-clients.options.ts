import type { IncomingHttpHeaders } from 'node:http';
import { AuthConfigError, type RequestContext } from '@auth/core';
import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import { DEFAULT_PROPAGATE_HEADERS } from './auth-clients.constants.js';

/**
 * The request object of the HTTP platform, as tenant resolvers get it: Express's `Request` or
 * Fastify's `FastifyRequest`. Both carry the incoming `headers` (names lower-cased).
 */
export interface PlatformRequest {
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
}

/**
 * Options of `AuthClientsModule.forRoot()`, or what the `forRootAsync()` factory returns.
 * Validated once, when the application bootstraps: a mistake fails the bootstrap with an
 * `AuthConfigError` naming the option.
 */
export interface AuthClientsModuleOptions {
  /**
   * The registry from `createAuthClients()`. Required. The module owns it from now on: it is
   * closed (`clients.close()`) when the application shuts down (`app.close()`).
   */
  clients: AuthClientsRegistry;
  /**
   * Resolves the request's tenant from the platform request (Express `Request` or
   * `FastifyRequest`), for clients whose credentials depend on the tenant (a `flow` function)
   * and for the token cache key. Called at most once per request, when a handler first uses a
   * client of `@AuthClients()`; `undefined`, `null` or `''` means no tenant. Default: no tenant.
   *
   * @example
   * tenant: (request) => request.headers['x-tenant-id'] as string | undefined
   */
  tenant?(request: PlatformRequest): string | null | undefined;
  /**
   * Incoming request headers copied onto every outbound call of the request's clients (never
   * overriding a header the call sets itself). Case-insensitive; absent headers are skipped.
   * Default {@link DEFAULT_PROPAGATE_HEADERS} (`['x-request-id', 'traceparent']`); `[]` turns it off.
   */
  propagateHeaders?: readonly string[];
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
  createAuthClientsOptions(): AuthClientsModuleOptions | Promise<AuthClientsModuleOptions>;
}

/**
 * Argument of `AuthClientsModule.forRootAsync()`: `imports` and one of `useFactory` (with
 * `inject`), `useClass` or `useExisting`, plus the {@link AuthClientsModuleExtras}.
 */
export type AuthClientsModuleAsyncOptions = ConfigurableModuleAsyncOptions<
  AuthClientsModuleOptions,
  typeof OPTIONS_FACTORY_METHOD
> &
  AuthClientsModuleExtras;

/** Options after validation: what the module uses per request. */
export interface ResolvedAuthClientsOptions {
  readonly clients: AuthClientsRegistry;
  readonly tenant: ((request: PlatformRequest) => string | null | undefined) | undefined;
  readonly propagateHeaders: readonly string[];
}

const KNOWN_OPTIONS = new Set(['clients', 'tenant', 'propagateHeaders']);
const EXTRAS = new Set(['isGlobal', 'exceptionFilter']);
/** RFC 9110 §5.1 field name: a `token`. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Checks the module options once, at bootstrap. Throws an `AuthConfigError` naming the option.
 * @internal
 */
export function validateModuleOptions(options: unknown): ResolvedAuthClientsOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new AuthConfigError(
      'AuthClientsModule',
      'expected an options object such as { clients } (check what the forRootAsync factory returns)',
    );
  }
  for (const key of Object.keys(options)) {
    if (EXTRAS.has(key)) {
      throw new AuthConfigError(
        key,
        'belongs next to useFactory/useClass/useExisting in forRootAsync(), not in the options the factory returns',
      );
    }
    if (!KNOWN_OPTIONS.has(key)) {
      throw new AuthConfigError(
        key,
        'unknown option of AuthClientsModule; expected "clients", "tenant" or "propagateHeaders"',
      );
    }
  }
  const { clients, tenant, propagateHeaders } = options as Partial<AuthClientsModuleOptions>;
  if (!isRegistry(clients)) {
    throw new AuthConfigError(
      'clients',
      'expected the registry returned by createAuthClients() from @auth/core',
    );
  }
  if (tenant !== undefined && typeof tenant !== 'function') {
    throw new AuthConfigError('tenant', 'expected a function (request) => string | undefined');
  }
  return {
    clients,
    tenant,
    propagateHeaders:
      propagateHeaders === undefined
        ? DEFAULT_PROPAGATE_HEADERS
        : headerNames(propagateHeaders as unknown),
  };
}

/**
 * Checks the extras when `forRoot()` / `forRootAsync()` is called.
 * @internal
 */
export function validateExtras(extras: AuthClientsModuleExtras): void {
  for (const key of EXTRAS) {
    const value = extras[key as keyof AuthClientsModuleExtras];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new AuthConfigError(key, 'expected true or false');
    }
  }
}

/** `true` when `value` looks like a registry from `createAuthClients()`. @internal */
export function isRegistry(value: unknown): value is AuthClientsRegistry {
  if (value === null || typeof value !== 'object') return false;
  const registry = value as Partial<AuthClientsRegistry>;
  return (
    typeof registry.withContext === 'function' &&
    typeof registry.close === 'function' &&
    Array.isArray(registry.names) &&
    registry.names.every((name) => typeof name === 'string')
  );
}

function headerNames(value: unknown): readonly string[] {
  if (!Array.isArray(value)) {
    throw new AuthConfigError('propagateHeaders', 'expected an array of header names');
  }
  const names = new Set<string>();
  value.forEach((name: unknown, index) => {
    if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
      throw new AuthConfigError(`propagateHeaders[${index}]`, 'expected a valid header name');
    }
    names.add(name.toLowerCase());
  });
  return Object.freeze([...names]);
}
