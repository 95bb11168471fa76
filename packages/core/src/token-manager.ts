import { abortable } from './abortable.js';
import { cacheKey } from './cache-key.js';
import type { BackoffOptions, FlowSource, RefreshOptions } from './client-options.js';
import { AuthError, TokenEndpointError, TokenStoreError } from './errors.js';
import { AccessToken, type StoredToken } from './token.js';
import type { FlowRequest, TokenFlow } from './token-flow.js';
import type { TokenStore } from './token-store.js';
import { backoffDelay, refreshPoint, toStoredToken } from './token-timing.js';

/** Options of {@link TokenManager}. `createAuthClients` fills them from the client options. */
export interface TokenManagerOptions {
  /** The flow, or a function of the tenant returning one (the client's `flow`). */
  flow: FlowSource;
  /** Where tokens are cached (the client's `store`; default there: a `MemoryTokenStore`). */
  store: TokenStore;
  /** Used for token requests (the client's `fetch`; default there: `globalThis.fetch`). */
  fetch: typeof fetch;
  /** Clock, epoch ms (the client's `now`; default there: `Date.now`). */
  now: () => number;
  /** Timeout of each token request, ms (client default `10000`). */
  tokenTimeoutMs: number;
  /** Larger token responses are rejected (client default `65536`). */
  maxTokenResponseBytes: number;
  /** Fleet-wide lease duration, ms, with a shared store (client default `15000`). */
  leaseTtlMs: number;
  /** Per-tenant entries kept in memory, the oldest dropped first (client default `10000`). */
  maxCachedTenants: number;
  /** When a refresh starts. Default `{ beforeExpiryMs: 60000, lifetimeFraction: 0.1 }`. */
  refresh?: RefreshOptions;
  /** Backoff after a failed token request. Default `{ initialMs: 1000, maxMs: 30000 }`. */
  backoff?: BackoffOptions;
  /** Random source for backoff jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/** Per-call options of {@link TokenManager.getToken}. */
export interface GetTokenOptions {
  /** Selects the per-tenant flow and cache entry when the flow is a function of the tenant. */
  tenant?: string;
  /** Stop waiting when it aborts. The shared token request carries on for other callers. */
  signal?: AbortSignal;
}

/** State of one cache entry: one flow, one key, at most one request in flight. */
interface Entry {
  readonly flow: TokenFlow;
  readonly key: Promise<string>;
  /** The token handed out, while it is usable. */
  token: AccessToken | undefined;
  refreshAt: number;
  /** The last token this entry knew, even after it was invalidated: its refresh token is reused. */
  last: AccessToken | undefined;
  inflight: Promise<AccessToken> | undefined;
  failures: number;
  lastError: unknown;
  retryAt: number;
}

const LEASE_POLL_MS = 25;
const LEASE_POLL_MAX_MS = 250;
const DEFAULT_TENANT = '';
const ignore = () => {};

/**
 * The only holder of token state. Per cache entry it keeps the current token, runs at most one
 * token request at a time (and, with a shared store offering leases, one per fleet), refreshes
 * early in the background while still serving the valid token, and backs off with jitter after
 * failures. Expiry counts from when a request was sent.
 */
export class TokenManager {
  readonly #options: TokenManagerOptions;
  readonly #entries = new Map<string, Entry>();

  constructor(options: TokenManagerOptions) {
    this.#options = options;
  }

  /**
   * The current token if it is still valid, without waiting; past the refresh point it starts a
   * background refresh. `undefined` when the caller has to wait ({@link getToken}).
   */
  peekToken(tenant?: string): AccessToken | undefined {
    const entry = this.#entry(tenant);
    const token = entry.token;
    const now = this.#options.now();
    if (token === undefined || now >= token.expiresAt) return undefined;
    if (now >= entry.refreshAt && entry.inflight === undefined && now >= entry.retryAt) {
      this.#startRenewal(entry);
    }
    return token;
  }

  /**
   * A valid token. Waits only when there is none; past the refresh point it starts a background
   * refresh and returns the current token at once.
   */
  async getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    const current = this.peekToken(options.tenant);
    if (current !== undefined) return current;
    const entry = this.#entry(options.tenant);
    if (entry.inflight === undefined) {
      if (this.#options.now() < entry.retryAt) throw entry.lastError;
      this.#startRenewal(entry);
    }
    return abortable(entry.inflight as Promise<AccessToken>, options.signal);
  }

  /**
   * Report that the API rejected `token`. Drops it only if it is still the current token (someone
   * may have replaced it already), locally and in the store (compare-and-delete).
   */
  async invalidate(token: AccessToken, tenant?: string): Promise<void> {
    const entry = this.#entry(tenant);
    if (entry.token?.accessToken !== token.accessToken) return;
    entry.token = undefined;
    await this.#options.store.deleteIf(await entry.key, token.accessToken);
  }

  #entry(tenant: string | undefined): Entry {
    const flowSource = this.#options.flow;
    const id = typeof flowSource === 'function' ? (tenant ?? DEFAULT_TENANT) : DEFAULT_TENANT;
    let entry = this.#entries.get(id);
    if (entry !== undefined) return entry;
    const flow = typeof flowSource === 'function' ? flowSource({ tenant }) : flowSource;
    entry = {
      flow,
      key: cacheKey(flow, typeof flowSource === 'function' ? tenant : undefined),
      token: undefined,
      refreshAt: 0,
      last: undefined,
      inflight: undefined,
      failures: 0,
      lastError: undefined,
      retryAt: 0,
    };
    this.#entries.set(id, entry);
    if (this.#entries.size > this.#options.maxCachedTenants) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return entry;
  }

  #startRenewal(entry: Entry): void {
    const renewal = this.#renew(entry);
    renewal.catch(ignore);
    entry.inflight = renewal;
  }

  async #renew(entry: Entry): Promise<AccessToken> {
    try {
      const token = await this.#obtain(entry);
      entry.token = token;
      entry.last = token;
      entry.refreshAt = refreshPoint(token.toRecord(), this.#options.refresh);
      entry.failures = 0;
      entry.retryAt = 0;
      entry.lastError = undefined;
      return token;
    } catch (error) {
      entry.failures += 1;
      entry.lastError = error;
      entry.retryAt =
        this.#options.now() +
        backoffDelay(entry.failures, this.#options.backoff, this.#options.random);
      throw error;
    } finally {
      entry.inflight = undefined;
    }
  }

  /**
   * Adopt a fresher token from the store, or win the lease and request one, or wait for the
   * holder: poll the store for its token and retry the lease (a dead holder's lease expires).
   */
  async #obtain(entry: Entry): Promise<AccessToken> {
    const { store, leaseTtlMs, now } = this.#options;
    const key = await entry.key;
    const stale = entry.last?.accessToken;
    const adoptable = (stored: StoredToken | undefined): stored is StoredToken =>
      stored !== undefined && stored.accessToken !== stale && now() < stored.expiresAt;
    const deadline = now() + 2 * leaseTtlMs;
    let delay = LEASE_POLL_MS;
    for (;;) {
      const stored = await store.get(key);
      if (adoptable(stored)) return new AccessToken(stored);
      if (store.acquireLease === undefined) return this.#requestAndStore(entry, key, stored);
      const lease = await store.acquireLease(key, leaseTtlMs);
      if (lease !== undefined) {
        try {
          // A peer may have stored its token and released the lease since our read.
          const latest = await store.get(key);
          if (adoptable(latest)) return new AccessToken(latest);
          return await this.#requestAndStore(entry, key, latest);
        } finally {
          await lease.release().catch(ignore);
        }
      }
      if (now() >= deadline) {
        throw new TokenStoreError('timed out waiting for another instance to store a token');
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, LEASE_POLL_MAX_MS);
    }
  }

  async #requestAndStore(
    entry: Entry,
    key: string,
    stored: StoredToken | undefined,
  ): Promise<AccessToken> {
    const { store, now } = this.#options;
    const refreshToken = stored?.refreshToken ?? entry.last?.refreshToken;
    const sentAt = now();
    const response = await this.#request(entry.flow, refreshToken);
    const record = toStoredToken(response, sentAt, entry.flow.defaultLifetimeSeconds);
    if (record.expiresAt <= now()) {
      throw new TokenEndpointError(
        'TOKEN_RESPONSE_INVALID',
        'the token endpoint returned a token that is already expired (clock skew?)',
        { flow: entry.flow.id },
      );
    }
    await store.set(key, record);
    return new AccessToken(record);
  }

  /** Refresh token first when there is one; a rejected refresh falls back to one full login. */
  async #request(flow: TokenFlow, refreshToken: string | undefined) {
    if (refreshToken !== undefined && flow.refreshToken !== undefined) {
      try {
        return await flow.refreshToken(refreshToken, this.#flowRequest());
      } catch (error) {
        if (!(error instanceof AuthError && error.code === 'TOKEN_ENDPOINT_REJECTED')) throw error;
      }
    }
    return flow.requestToken(this.#flowRequest());
  }

  #flowRequest(): FlowRequest {
    return {
      fetch: this.#options.fetch,
      signal: AbortSignal.timeout(this.#options.tokenTimeoutMs),
      maxResponseBytes: this.#options.maxTokenResponseBytes,
    };
  }
}
