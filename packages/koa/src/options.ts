import { type AuthClients, AuthConfigError } from '@auth/core';
import type { Context } from 'koa';

/** Headers passed on to outbound calls unless `propagateHeaders` says otherwise. */
export const DEFAULT_PROPAGATE_HEADERS: readonly string[] = Object.freeze([
  'x-request-id',
  'traceparent',
]);

/**
 * Picks the tenant of an incoming request, e.g. from a header or the authenticated user.
 * Called at most once per request, and only when the request touches `ctx.authClients`.
 */
export type TenantResolver = (ctx: Context) => string | undefined;

/** Options of {@link authClients}. Every field is optional. */
export interface AuthClientsOptions {
  /**
   * Tenant of the request: selects per-tenant credentials and the token cache entry.
   * Default: none (every request uses the registry's own tenant, usually none).
   *
   * @example tenant: (ctx) => ctx.get('x-tenant-id') || undefined
   */
  tenant?: TenantResolver;
  /**
   * Incoming request headers copied onto every outbound call of the request (correlation ids).
   * Names are case-insensitive; a header absent from the request is skipped, and a header the
   * call sets itself wins. Default {@link DEFAULT_PROPAGATE_HEADERS}: `['x-request-id', 'traceparent']`.
   */
  propagateHeaders?: readonly string[];
}

/** The validated, normalised configuration of one middleware instance. @internal */
export interface MiddlewareConfig {
  readonly clients: AuthClients;
  readonly tenant: TenantResolver | undefined;
  /** Lower-cased, de-duplicated header names. */
  readonly propagateHeaders: readonly string[];
}

const KNOWN_OPTIONS = new Set(['tenant', 'propagateHeaders']);
/** RFC 9110 §5.6.2 `token`: what a header name may consist of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Validates the factory's arguments once. Throws {@link AuthConfigError} naming the option.
 *
 * @internal
 */
export function resolveOptions(clients: unknown, options: unknown): MiddlewareConfig {
  if (!isRegistry(clients)) {
    throw new AuthConfigError(
      'clients',
      'expected a registry returned by createAuthClients() from @auth/core',
    );
  }
  if (options === undefined) {
    return { clients, tenant: undefined, propagateHeaders: DEFAULT_PROPAGATE_HEADERS };
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new AuthConfigError('options', 'expected an object');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new AuthConfigError(key, 'unknown option; expected "tenant" or "propagateHeaders"');
    }
  }
  const { tenant, propagateHeaders } = options as AuthClientsOptions;
  if (tenant !== undefined && typeof tenant !== 'function') {
    throw new AuthConfigError('tenant', 'expected a function (ctx) => string | undefined');
  }
  return {
    clients,
    tenant,
    propagateHeaders:
      propagateHeaders === undefined
        ? DEFAULT_PROPAGATE_HEADERS
        : normaliseHeaderNames(propagateHeaders),
  };
}

function isRegistry(value: unknown): value is AuthClients {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AuthClients>).withContext === 'function' &&
    Array.isArray((value as Partial<AuthClients>).names)
  );
}

function normaliseHeaderNames(value: unknown): readonly string[] {
  if (!Array.isArray(value)) {
    throw new AuthConfigError('propagateHeaders', 'expected an array of header names');
  }
  const names = new Set<string>();
  value.forEach((name: unknown, index) => {
    if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
      throw new AuthConfigError(`propagateHeaders[${index}]`, 'expected a valid HTTP header name');
    }
    names.add(name.toLowerCase());
  });
  return Object.freeze([...names]);
}
