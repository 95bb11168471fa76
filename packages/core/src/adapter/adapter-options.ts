import type { AuthClients } from '../client/create-auth-clients.js';
import { AuthConfigError } from '../errors.js';
import { HEADER_NAME } from '../shared/http-syntax.js';

/** Headers adapters pass on by default: a request id and the W3C trace context. */
export const DEFAULT_PROPAGATE_HEADERS: readonly string[] = Object.freeze([
  'x-request-id',
  'traceparent',
]);

/** Options every framework adapter takes, whatever its request type. */
export interface AdapterOptions<Request> {
  /**
   * The request's tenant: selects per-tenant credentials and the token cache entry. Called at
   * most once per request, when a handler first uses a client; `undefined`, `null` or `''` means
   * no tenant. Default: no tenant.
   */
  tenant?: (request: Request) => string | null | undefined;
  /**
   * The request's subject token, for token exchange clients (`flows.tokenExchange`): usually the
   * incoming bearer token. Called at most once per request, when a handler first uses a client;
   * `undefined`, `null` or `''` means none. Never logged. Default: none.
   *
   * @example
   * subjectToken: (req) => req.headers.authorization?.replace(/^Bearer /i, '')
   */
  subjectToken?: (request: Request) => string | null | undefined;
  /**
   * Incoming headers copied onto every outbound call of the request (a header the call sets
   * itself wins). Case-insensitive; absent ones are skipped. Default
   * {@link DEFAULT_PROPAGATE_HEADERS}; `[]` turns it off.
   */
  propagateHeaders?: readonly string[];
}

/** Adapter options after validation. */
export interface ResolvedAdapterOptions<Request> {
  /** The registry the adapter binds to each request. */
  readonly clients: AuthClients<string>;
  /** The tenant resolver, or `undefined` for no tenant. */
  readonly tenant: ((request: Request) => string | null | undefined) | undefined;
  /** The subject token resolver, or `undefined` for none. */
  readonly subjectToken?: ((request: Request) => string | null | undefined) | undefined;
  /** Lower-cased, de-duplicated. */
  readonly propagateHeaders: readonly string[];
}

const ADAPTER_OPTION_KEYS = ['tenant', 'subjectToken', 'propagateHeaders'];

/** `true` for a registry returned by `createAuthClients()` of `@auth/core`. */
export function isAuthClients(value: unknown): value is AuthClients<string> {
  if (value === null || typeof value !== 'object') return false;
  const registry = value as Partial<AuthClients<string>>;
  return (
    typeof registry.withContext === 'function' &&
    typeof registry.close === 'function' &&
    typeof registry.subscribe === 'function' &&
    Array.isArray(registry.names)
  );
}

/**
 * Validates an adapter's arguments once, when its middleware or module is created: throws
 * {@link AuthConfigError} naming the option. `extraKeys` are the adapter's own options, accepted
 * and left to it.
 */
export function resolveAdapterOptions<Request>(
  clients: unknown,
  options: unknown,
  extraKeys: readonly string[] = [],
): ResolvedAdapterOptions<Request> {
  if (!isAuthClients(clients)) {
    throw new AuthConfigError('clients', 'expected the registry returned by createAuthClients()');
  }
  if (options === undefined) {
    return { clients, tenant: undefined, propagateHeaders: DEFAULT_PROPAGATE_HEADERS };
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new AuthConfigError('options', 'expected an object');
  }
  const known = [...ADAPTER_OPTION_KEYS, ...extraKeys];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new AuthConfigError(key, `unknown option; expected one of ${known.join(', ')}`);
    }
  }
  const { tenant, subjectToken, propagateHeaders } = options as AdapterOptions<Request>;
  for (const [name, resolver] of Object.entries({ tenant, subjectToken })) {
    if (resolver !== undefined && typeof resolver !== 'function') {
      throw new AuthConfigError(name, 'expected a function (request) => string | undefined');
    }
  }
  return {
    clients,
    tenant,
    ...(subjectToken === undefined ? {} : { subjectToken }),
    propagateHeaders:
      propagateHeaders === undefined ? DEFAULT_PROPAGATE_HEADERS : headerNames(propagateHeaders),
  };
}

function headerNames(value: unknown): readonly string[] {
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
