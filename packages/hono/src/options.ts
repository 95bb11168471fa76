import { AuthConfigError } from '@auth/core';
import type { Context } from 'hono';
import type { AuthClientsRegistry } from './types.js';

/** Headers passed on to outbound calls by default: a request id and W3C trace context. */
export const DEFAULT_PROPAGATE_HEADERS: readonly string[] = Object.freeze([
  'x-request-id',
  'traceparent',
]);

/** Options of {@link authClients}. Every field is optional. */
export interface AuthClientsOptions {
  /**
   * Resolves the request's tenant, for clients whose credentials depend on it (a `flow`
   * function) and for the token cache key. Called at most once per request, when a handler first
   * uses a client; an empty string, `null` or `undefined` means no tenant. Default: no tenant.
   *
   * @example
   * authClients(clients, { tenant: (c) => c.req.header('x-tenant-id') })
   */
  tenant?: (c: Context) => string | undefined;
  /**
   * Incoming request headers copied onto every outbound call of the request's clients (never
   * overriding a header the call sets itself). Case-insensitive; absent headers are skipped.
   * Default {@link DEFAULT_PROPAGATE_HEADERS} (`['x-request-id', 'traceparent']`); `[]` turns it off.
   */
  propagateHeaders?: readonly string[];
}

/** Options after validation: what the middleware uses per request. */
export interface ResolvedOptions {
  readonly tenant: ((c: Context) => string | undefined) | undefined;
  readonly propagateHeaders: readonly string[];
}

const KNOWN_OPTIONS = new Set(['tenant', 'propagateHeaders']);
/** RFC 9110 §5.1 field name: a `token`. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Checks the registry and the options once, when the middleware is created. */
export function validateOptions(clients: unknown, options: unknown): ResolvedOptions {
  if (!isRegistry(clients)) {
    throw new AuthConfigError(
      'clients',
      'expected the registry returned by createAuthClients() from @auth/core',
    );
  }
  if (options === undefined) {
    return { tenant: undefined, propagateHeaders: DEFAULT_PROPAGATE_HEADERS };
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
    throw new AuthConfigError('tenant', 'expected a function (c) => string | undefined');
  }
  return {
    tenant,
    propagateHeaders:
      propagateHeaders === undefined
        ? DEFAULT_PROPAGATE_HEADERS
        : headerNames(propagateHeaders as unknown),
  };
}

function isRegistry(value: unknown): value is AuthClientsRegistry {
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
