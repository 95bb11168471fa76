import { MemoryTokenStore } from '../engine/memory-token-store.js';
import { TokenManager } from '../engine/token-manager.js';
import type { TokenStore } from '../engine/token-store.js';
import { AuthConfigError } from '../errors.js';
import { EventHub } from '../observability/event-hub.js';
import type { AuthEventListener, ClientStatus } from '../observability/events.js';
import { AuthClient } from './auth-client.js';
import type { AuthClientOptions, RequestContext } from './client-options.js';
import { RequestTargets } from './request-targets.js';
import { validateClientOptions } from './validate-client-options.js';

/** Default timeout of an outbound API call, ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default timeout of a token request, ms. */
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;
/** Default bound on a token response body, bytes. */
export const DEFAULT_MAX_TOKEN_RESPONSE_BYTES = 65_536;
/** Default fleet lease duration, ms. */
export const DEFAULT_LEASE_TTL_MS = 15_000;
/** Default bound on per-tenant cache entries of one client. */
export const DEFAULT_MAX_CACHED_TENANTS = 10_000;

/**
 * One authenticated client, outside a registry. Without a `store` it shares its token with the
 * other clients of the same account in the process ({@link AuthClientsOptions.shareTokens}); give
 * it a `store` of its own (`new MemoryTokenStore()`) to keep its tokens apart.
 *
 * @example
 * const billing = createAuthClient({
 *   baseUrl: 'https://billing.example.com/api/',
 *   flow: flows.clientCredentials({ tokenUrl, clientId, clientSecret }),
 * });
 * const res = await billing.fetch('invoices?status=open');
 */
export function createAuthClient(options: AuthClientOptions, name = 'client'): AuthClient {
  return createClient(name, options, { path: name, shareTokens: true }).client;
}

/** The default clocks and `fetch`: one function each, so that clients left at them share tokens. */
const performanceNow = () => performance.now();
const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/** Where a client is defined (for error messages) and whether it may share tokens. */
interface ClientPlace {
  path: string;
  shareTokens: boolean;
}

function createClient(name: string, options: AuthClientOptions, place: ClientPlace) {
  validateClientOptions(place.path, options);
  const now = options.now ?? Date.now;
  const monotonic = options.monotonic ?? performanceNow;
  const events = new EventHub();
  if (options.onEvent !== undefined) events.subscribe(options.onEvent);
  const fetchImpl = options.fetch ?? globalFetch;
  const maxCachedTenants = options.maxCachedTenants ?? DEFAULT_MAX_CACHED_TENANTS;
  const store = options.store ?? new MemoryTokenStore({ now, maxEntries: maxCachedTenants });
  const manager = new TokenManager({
    shareEntries: place.shareTokens && options.store === undefined,
    flow: options.flow,
    store,
    fetch: fetchImpl,
    now,
    monotonic,
    client: name,
    events,
    tokenTimeoutMs: options.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS,
    maxTokenResponseBytes: options.maxTokenResponseBytes ?? DEFAULT_MAX_TOKEN_RESPONSE_BYTES,
    leaseTtlMs: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
    maxCachedTenants,
    ...(options.refresh ? { refresh: options.refresh } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const baseUrl = withTrailingSlash(new URL(options.baseUrl));
  const client = new AuthClient({
    name,
    baseUrl,
    manager,
    targets: new RequestTargets(
      baseUrl,
      new Set([baseUrl.origin, ...(options.allowedOrigins ?? [])]),
    ),
    header: (options.header ?? 'authorization').toLowerCase(),
    scheme: options.scheme,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    fetch: fetchImpl,
    monotonic,
  });
  return { client, store, manager, events };
}

/** `https://x/api` and `https://x/api/` both mean the `api/` directory for relative URLs. */
function withTrailingSlash(url: URL): URL {
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** A request's context, or a function computing it when a client of the view is first used. */
export type ContextSource = RequestContext | (() => RequestContext);

/** Methods every registry has besides its clients. Client names may not collide with them. */
export interface AuthClientsMethods<Name extends string> {
  /**
   * A registry view bound to one request: each client lazily gets `withContext(context)`. Pass a
   * function to compute the context only if a client is used (adapters do, so that a route that
   * never calls out pays one small object).
   */
  withContext(context: ContextSource): AuthClients<Name>;
  /** Names of the clients, in definition order. */
  readonly names: readonly Name[];
  /** Release every client's store (connections, memory). Call on shutdown. */
  close(): Promise<void>;
  /**
   * Adds a listener of every client's events; returns the function that removes it. Used by
   * adapters and `@auth/opentelemetry`; a listener that throws is isolated.
   */
  subscribe(listener: AuthEventListener): () => void;
  /**
   * A JSON-safe, secret-free snapshot of every client and cached tenant: state (`valid`,
   * `refreshing`, `expiring`, `failing`, `empty`), ms to expiry, failures, last error code, ms to
   * the next retry. Cheap; usable as a readiness check.
   *
   * @example
   * const ready = clients.status().every((row) => row.state !== 'failing');
   */
  status(): ClientStatus[];
}

/** Options of {@link createAuthClients} that concern the whole registry. */
export interface AuthClientsOptions {
  /** Receives the events of every client of the registry. Default: none. */
  onEvent?: AuthEventListener;
  /**
   * One token per credential per process. With `true`, clients given no `store`, here and in
   * every other registry of the process, share their token and their token request when their
   * cache keys and credentials are equal (same flow, endpoint, account, secret or key, tenant and
   * subject; a custom flow only with itself) and they use the same `fetch`, `now` and `monotonic`
   * (the defaults are equal): a provider that keeps one token per account never sees them knock
   * each other's token out. The options of the client whose
   * call starts a token request apply to it; its events go to that client.
   *
   * `false` gives each client of this registry tokens of its own (e.g. a registry that must not
   * see another one's tokens, or tests that count token requests per registry). Clients given a
   * `store` never share this way; they share what their store shares. Default `true`.
   *
   * @example
   * const isolated = createAuthClients(definitions, { shareTokens: false });
   */
  shareTokens?: boolean;
}

/** A registry of named {@link AuthClient}s, typed by name: `clients.alertsite.fetch(...)`. */
export type AuthClients<Name extends string = string> = {
  readonly [K in Name]: AuthClient;
} & AuthClientsMethods<Name>;

const RESERVED_NAMES = new Set([
  'withContext',
  'names',
  'close',
  'subscribe',
  'status',
  'then',
  'toJSON',
  'constructor',
]);

/**
 * Create the named clients of a service. Options are validated now: a mistake throws an
 * {@link AuthConfigError} naming the client and the option.
 *
 * @example
 * export const clients = createAuthClients({
 *   alertsite: presets.alertsite({ username, password }),
 *   billing: {
 *     baseUrl: 'https://billing.example.com/api/',
 *     flow: flows.clientCredentials({ tokenUrl, clientId, clientSecret, scope: 'read' }),
 *   },
 * });
 * const res = await clients.alertsite.fetch('devices');
 */
export function createAuthClients<const Definitions extends Record<string, AuthClientOptions>>(
  definitions: Definitions,
  options: AuthClientsOptions = {},
): AuthClients<Extract<keyof Definitions, string>> {
  type Name = Extract<keyof Definitions, string>;
  if (definitions === null || typeof definitions !== 'object') {
    throw new AuthConfigError('clients', 'expected an object of named client definitions');
  }
  const names = Object.keys(definitions) as Name[];
  if (names.length === 0) throw new AuthConfigError('clients', 'define at least one client');
  const shareTokens = options.shareTokens !== false;
  const clients = {} as Record<Name, AuthClient>;
  const stores = new Set<TokenStore>();
  const managers: TokenManager[] = [];
  const hubs: EventHub[] = [];
  for (const name of names) {
    if (RESERVED_NAMES.has(name)) {
      throw new AuthConfigError(`clients.${name}`, `"${name}" is reserved; choose another name`);
    }
    const created = createClient(name, definitions[name] as AuthClientOptions, {
      path: `clients.${name}`,
      shareTokens,
    });
    clients[name] = created.client;
    stores.add(created.store);
    managers.push(created.manager);
    hubs.push(created.events);
  }
  const subscribe = (listener: AuthEventListener) => {
    const unsubscribe = hubs.map((hub) => hub.subscribe(listener));
    return () => {
      for (const stop of unsubscribe) stop();
    };
  };
  if (options.onEvent !== undefined) subscribe(options.onEvent);
  return buildRegistry(names, (name) => clients[name], {
    close: async () => {
      for (const manager of managers) manager.close();
      await Promise.all([...stores].map((store) => store.close?.()));
    },
    subscribe,
    status: () => managers.flatMap((manager) => manager.status()),
  });
}

/**
 * Registry objects share one prototype per registry: clients are lazy getters, so binding a
 * registry to a request allocates one small object and nothing more until a client is used.
 */
function buildRegistry<Name extends string>(
  names: readonly Name[],
  clientOf: (name: Name) => AuthClient,
  shared: Pick<AuthClientsMethods<Name>, 'close' | 'subscribe' | 'status'>,
): AuthClients<Name> {
  class RequestView {
    #context: ContextSource;
    constructor(context: ContextSource) {
      this.#context = context;
    }
    get names(): readonly Name[] {
      return names;
    }
    withContext(context: ContextSource): AuthClients<Name> {
      const merged = () => ({ ...RequestView.contextOf(this), ...resolve(context) });
      return new RequestView(
        this.#context === ROOT_CONTEXT ? context : merged,
      ) as unknown as AuthClients<Name>;
    }
    close(): Promise<void> {
      return shared.close();
    }
    subscribe(listener: AuthEventListener): () => void {
      return shared.subscribe(listener);
    }
    status(): ClientStatus[] {
      return shared.status();
    }
    toJSON(): Record<string, unknown> {
      return { clients: names };
    }
    /** The view's context, computed once on first use. */
    static contextOf(view: RequestView): RequestContext {
      if (typeof view.#context === 'function') view.#context = view.#context();
      return view.#context;
    }
  }
  for (const name of names) {
    Object.defineProperty(RequestView.prototype, name, {
      enumerable: true,
      get(this: RequestView) {
        const context = RequestView.contextOf(this);
        const client =
          context === ROOT_CONTEXT ? clientOf(name) : clientOf(name).withContext(context);
        Object.defineProperty(this, name, { value: client, enumerable: true });
        return client;
      },
    });
  }
  return new RequestView(ROOT_CONTEXT) as unknown as AuthClients<Name>;
}

function resolve(context: ContextSource): RequestContext {
  return typeof context === 'function' ? context() : context;
}

const ROOT_CONTEXT: RequestContext = Object.freeze({});
