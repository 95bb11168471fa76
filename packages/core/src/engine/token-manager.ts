import { AuthError, isAuthError, TokenEndpointError } from '../errors.js';
import { EventHub } from '../observability/event-hub.js';
import type {
  ClientStatus,
  TokenRequestReason,
  UnauthorizedAction,
} from '../observability/events.js';
import { abortable } from '../shared/abortable.js';
import { sleep } from '../shared/sleep.js';
import { challengeError } from '../shared/www-authenticate.js';
import { EntryEvents } from './entry-events.js';
import { FleetLease, type Obtained, type RequestAndStore } from './fleet-lease.js';
import { sharedEntries } from './shared-entries.js';
import { AccessToken, type StoredToken } from './token.js';
import { type Entry, type EntryKey, errorCode, TokenEntries } from './token-entries.js';
import type { FlowRequest, FlowSource, TokenFlow } from './token-flow.js';
import type { TokenStore } from './token-store.js';
import {
  type BackoffOptions,
  backoffDelay,
  MAX_TOKEN_LIFETIME_SECONDS,
  type RefreshOptions,
  refreshPoint,
  toStoredToken,
} from './token-timing.js';
import { UnauthorizedBudget } from './unauthorized-budget.js';

/** Options of {@link TokenManager}. `createAuthClients` fills them from the client options. */
export interface TokenManagerOptions {
  /** The flow, or a function of the tenant returning one (the client's `flow`). */
  flow: FlowSource;
  /** Where tokens are cached (the client's `store`; default there: a `MemoryTokenStore`). */
  store: TokenStore;
  /** Used for token requests (the client's `fetch`; default there: `globalThis.fetch`). */
  fetch: typeof fetch;
  /** Wall clock, epoch ms, for token expiry (the client's `now`; default there: `Date.now`). */
  now: () => number;
  /**
   * Monotonic clock, ms, for durations: backoff, the 401 interval, lease waits. A step of the
   * wall clock never changes them. Default `performance.now()`.
   */
  monotonic?: () => number;
  /** Timeout of each token request, ms (client default `10000`). */
  tokenTimeoutMs: number;
  /** Larger token responses are rejected (client default `65536`). */
  maxTokenResponseBytes: number;
  /** Fleet-wide lease duration, ms, with a shared store (client default `15000`). */
  leaseTtlMs: number;
  /** Per-tenant entries kept in memory, the least recently used dropped first (client default `10000`). */
  maxCachedTenants: number;
  /** When a refresh starts. Default `{ beforeExpiryMs: 60000, lifetimeFraction: 0.1 }`. */
  refresh?: RefreshOptions;
  /** Backoff after a failed token request. Default `{ initialMs: 1000, maxMs: 30000 }`. */
  backoff?: BackoffOptions;
  /** Random source for backoff jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** The client's name, for events and status. Default `client`. */
  client?: string;
  /** Where events go. Default: a hub nobody listens to. */
  events?: EventHub;
  /**
   * Share entries with the other managers of the process that read the same `now` and
   * `monotonic` clocks, use the same `fetch` and also share: equal cache keys then mean one token
   * and one token request. Give it only with a store of this manager's own (not one shared with
   * managers that do not share). Flows with DPoP keys are never shared. Default `false`.
   */
  shareEntries?: boolean;
}

/** Per-call options of {@link TokenManager.getToken}. */
export interface GetTokenOptions extends EntryKey {
  /** Selects the per-tenant flow and cache entry when the flow is a function of the tenant. */
  tenant?: string;
  /**
   * The caller's subject token, for flows that use one (token exchange): one cache entry per
   * subject, bounded like tenants. Never printed.
   */
  subjectToken?: string;
  /** Stop waiting when it aborts. The shared token request carries on for other callers. */
  signal?: AbortSignal;
}

/** Share of the gap by which a faster call lowers the latency estimate. */
const LATENCY_DECAY = 0.01;
const ignore = () => {};
/** The key of a client without tenants or subjects. */
const NO_KEY: EntryKey = Object.freeze({});
const performanceNow = () => performance.now();

/**
 * The only holder of token state. Per cache entry it keeps the current token, runs at most one
 * token request at a time (and, with a shared store offering leases, one per fleet), refreshes
 * early in the background while still serving the valid token, and backs off with jitter after
 * failures. Expiry counts from when a request was sent, on the wall clock; backoff and the 401
 * interval run on the monotonic clock.
 */
export class TokenManager {
  readonly #options: TokenManagerOptions;
  readonly #entries: TokenEntries;
  readonly #monotonic: () => number;
  readonly #events: EntryEvents;
  readonly #client: string;
  readonly #fleet: FleetLease;
  readonly #budget: UnauthorizedBudget;
  readonly #requestAndStore: RequestAndStore = (entry, key, stored) =>
    this.#requestFromEndpoint(entry, key, stored);
  /** Decaying high estimate of recent API call latency, ms ({@link observeLatency}). */
  #latencyMs = 0;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
    this.#monotonic = options.monotonic ?? performanceNow;
    this.#client = options.client ?? 'client';
    this.#events = new EntryEvents(options.events ?? new EventHub(), this.#client, options.now);
    this.#entries = new TokenEntries({
      flow: options.flow,
      store: options.store,
      maxCachedTenants: options.maxCachedTenants,
      shared: options.shareEntries
        ? sharedEntries<Entry>(options.now, this.#monotonic, options.fetch)
        : undefined,
    });
    const { now, leaseTtlMs, backoff, refresh } = options;
    const monotonic = this.#monotonic;
    this.#fleet = new FleetLease({ now, monotonic, leaseTtlMs, events: this.#events });
    this.#budget = new UnauthorizedBudget({
      monotonic,
      backoff,
      refresh,
      fleet: this.#fleet,
      events: this.#events,
    });
    options.store.onUnreadable?.((key, reason) => {
      void this.#reportUnreadable(key, reason);
    });
  }

  /**
   * The current token if it is still valid, without waiting; past the refresh point it starts a
   * background refresh. `undefined` when the caller has to wait ({@link getToken}): no token, an
   * expired one, or one so close to expiry that a call would likely reach the API after it
   * expired (within the recent call latency, {@link observeLatency}) while a refresh is running.
   */
  peekToken(key: EntryKey = NO_KEY): AccessToken | undefined {
    const entry = this.#entries.get(key);
    const token = entry.token;
    if (token === undefined) return undefined;
    const now = this.#options.now();
    if (now < entry.refreshAt) return token;
    if (now >= token.expiresAt) return undefined;
    if (entry.inflight === undefined && this.#monotonic() >= entry.retryAt) {
      this.#startRenewal(entry, 'refresh');
    }
    // The margin is bounded by the refresh window: the refresh started before it begins.
    if (entry.inflight !== undefined && now >= token.expiresAt - this.#latencyMs) return undefined;
    return token;
  }

  /**
   * Records how long an API call took until its response headers arrived, ms. The manager keeps a
   * decaying high estimate (a slower call raises it at once; faster ones lower it by 1 % each)
   * and stops handing out a token that would likely expire in flight.
   */
  observeLatency(ms: number): void {
    const estimate = this.#latencyMs;
    this.#latencyMs = ms > estimate ? ms : estimate - (estimate - ms) * LATENCY_DECAY;
  }

  /** The current latency estimate, ms ({@link observeLatency}). */
  get latencyMs(): number {
    return this.#latencyMs;
  }

  /**
   * A valid token. Waits only when there is none; past the refresh point it starts a background
   * refresh and returns the current token at once.
   */
  async getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    const current = this.peekToken(options);
    if (current !== undefined) return current;
    const entry = this.#entries.get(options);
    if (entry.inflight === undefined) {
      if (this.#monotonic() < entry.retryAt) throw entry.lastError;
      this.#startRenewal(entry, entry.pendingReason ?? (entry.last ? 'expired' : 'missing'));
    }
    return abortable(entry.inflight as Promise<AccessToken>, options.signal);
  }

  /**
   * Report that the API answered 401 to a request carrying `token` (`challenge`: the response's
   * `WWW-Authenticate`). The 401 budget decides ({@link UnauthorizedBudget}):
   * - `ignored`: the challenge names another error than `invalid_token` (`insufficient_scope`...);
   * - `stale`: `token` is no longer current (someone replaced or dropped it already);
   * - `limited`: the current token was itself obtained because of a 401 within the interval
   *   ({@link unauthorizedInterval}) and never had a 2xx answer ({@link confirm}), so it is kept;
   * - `renewed`: the token is dropped, locally and in the store; the next caller gets a new one.
   *
   * A token that worked and now gets a 401 was revoked (a single-active-token provider, an
   * operator): it is renewed at once, whatever the interval (a proven token). When its successor
   * is revoked too before its first 2xx, less than the first interval later, another process is
   * logging in with the same credentials: the successor is `renewed` one first interval after it
   * arrived, and callers wait for that renewal instead of getting 401s.
   *
   * A store that fails to delete is reported as a `store.failure` event and never replaces the
   * API's answer: this method does not throw.
   */
  async reject(
    token: AccessToken,
    key: EntryKey = NO_KEY,
    challenge?: string | null,
  ): Promise<UnauthorizedAction> {
    const error = challengeError(challenge);
    if (error !== undefined && error !== 'invalid_token') return 'ignored';
    return this.#budget.reject(this.#entries.get(key), token);
  }

  /**
   * Report that the API answered 2xx to a request that carried `token`: the token works, so a
   * later 401 for it means it was revoked, and {@link reject} renews it at once instead of
   * applying the 401 budget. Cheap (a map lookup and a comparison; allocates nothing for a client
   * without tenants or subjects); a token that is no longer current is ignored.
   */
  confirm(token: AccessToken, key: EntryKey = NO_KEY): void {
    this.#budget.confirm(this.#entries.get(key), token);
  }

  /** Emits `api.unauthorized` for a 401 handled by {@link reject} (the caller knows whether it retried). */
  reportUnauthorized(
    key: EntryKey,
    { action, retried }: { action: UnauthorizedAction; retried: boolean },
  ): void {
    if (!this.#events.listening) return;
    this.#events.emit(this.#entries.get(key), {
      type: 'api.unauthorized',
      action,
      retried,
    });
  }

  /** The DPoP prover of the flow serving `key`, when its tokens are DPoP-bound. */
  dpop(key: EntryKey = NO_KEY): TokenFlow['dpop'] {
    return this.#entries.get(key).flow.dpop;
  }

  /** A JSON-safe, secret-free snapshot of every cached entry (one `empty` row when none). */
  status(): ClientStatus[] {
    return this.#entries.status(this.#client, this.#options.now(), this.#monotonic());
  }

  /**
   * Lets every cached entry go (the registry's `close()`): shared entries no other manager holds
   * leave the process-wide table. A later call starts afresh.
   */
  close(): void {
    this.#entries.close();
  }

  #startRenewal(entry: Entry, reason: TokenRequestReason): void {
    if (this.#events.listening) this.#events.emit(entry, { type: 'token.request', reason });
    const renewal = this.#renew(entry, reason);
    renewal.catch(ignore);
    entry.inflight = renewal;
    this.#entries.countInflight(1);
  }

  async #renew(entry: Entry, reason: TokenRequestReason): Promise<AccessToken> {
    let started = this.#monotonic();
    try {
      if (entry.renewAt > started) {
        await sleep(entry.renewAt - started); // a contested 401 ({@link UnauthorizedBudget})
        started = this.#monotonic();
      }
      entry.renewAt = Number.NEGATIVE_INFINITY;
      const { token, source } = await this.#fleet.obtain(entry, {
        stale: entry.last?.accessToken,
        request: this.#requestAndStore,
      });
      entry.token = token;
      entry.last = token;
      entry.refreshAt = refreshPoint(token.toRecord(), this.#options.refresh);
      entry.failures = 0;
      entry.retryAt = Number.NEGATIVE_INFINITY;
      entry.lastError = undefined;
      entry.pendingReason = undefined;
      entry.tokenAt = this.#monotonic();
      // Only a token this instance requested because of a 401 counts against the 401 budget: a
      // peer's token adopted from a shared store cost no token request (and on providers that
      // revoke older tokens, the next peer refresh legitimately rejects it moments later).
      entry.unauthorizedRenewals =
        reason === 'rejected' && source === 'endpoint' ? entry.unauthorizedRenewals + 1 : 0;
      if (this.#events.listening) {
        this.#events.emit(entry, {
          type: 'token.success',
          source,
          durationMs: this.#monotonic() - started,
          expiresInMs: token.expiresAt - this.#options.now(),
        });
      }
      return token;
    } catch (error) {
      entry.failures += 1;
      entry.lastError = error;
      // A store outage cost the token endpoint nothing: the next call tries again at once (a shared
      // store fails fast while down), so calls work again as soon as the store is back.
      const delay = isAuthError(error, 'TOKEN_STORE_UNAVAILABLE')
        ? 0
        : backoffDelay(entry.failures, this.#options.backoff, this.#options.random);
      entry.retryAt = this.#monotonic() + delay;
      if (this.#events.listening) {
        const status = error instanceof TokenEndpointError ? error.status : undefined;
        this.#events.emit(entry, {
          type: 'token.failure',
          code: errorCode(error) ?? 'TOKEN_ENDPOINT_UNREACHABLE',
          ...(status === undefined ? {} : { status }),
          durationMs: this.#monotonic() - started,
          background: reason === 'refresh',
          retryInMs: delay,
        });
      }
      throw error;
    } finally {
      entry.inflight = undefined;
      this.#entries.countInflight(-1);
    }
  }

  /** A token from the endpoint (refresh first), checked and stored under `key`. */
  async #requestFromEndpoint(
    entry: Entry,
    key: string,
    stored: StoredToken | undefined,
  ): Promise<Obtained> {
    const { now } = this.#options;
    const store = entry.store;
    const refreshToken = stored?.refreshToken ?? entry.last?.refreshToken;
    const sentAt = now();
    const response = await this.#request(entry, refreshToken);
    const record = toStoredToken(
      response,
      sentAt,
      this.#entries.flowOf(entry).defaultLifetimeSeconds,
    );
    if (record.expiresAt <= now()) {
      throw new TokenEndpointError(
        'TOKEN_RESPONSE_INVALID',
        'the token endpoint returned a token that is already expired (clock skew?)',
        { flow: entry.flow.id },
      );
    }
    if (!(record.expiresAt - sentAt <= MAX_TOKEN_LIFETIME_SECONDS * 1000)) {
      throw new TokenEndpointError(
        'TOKEN_RESPONSE_INVALID',
        'the token endpoint returned a token whose expiry is more than 10 years away',
        { flow: entry.flow.id },
      );
    }
    await this.#events.storeCall(entry, () => store.set(key, record));
    return { token: new AccessToken(record), source: 'endpoint' };
  }

  /** A shared store could not read `key` (another encryption key, garbage, no TTL): say whose. */
  async #reportUnreadable(key: string, reason: string): Promise<void> {
    if (!this.#events.listening) return;
    const entry = await this.#entries.byKey(key);
    if (entry !== undefined) this.#events.emit(entry, { type: 'store.unreadable', reason });
  }

  /** Refresh token first when there is one; a rejected refresh falls back to one full login. */
  async #request(entry: Entry, refreshToken: string | undefined) {
    const flow = this.#entries.flowOf(entry);
    if (refreshToken !== undefined && flow.refreshToken !== undefined) {
      try {
        return await flow.refreshToken(refreshToken, this.#flowRequest(entry));
      } catch (error) {
        if (!(error instanceof AuthError && error.code === 'TOKEN_ENDPOINT_REJECTED')) throw error;
      }
    }
    return flow.requestToken(this.#flowRequest(entry));
  }

  #flowRequest(entry: Entry): FlowRequest {
    const request: FlowRequest = {
      fetch: this.#options.fetch,
      signal: AbortSignal.timeout(this.#options.tokenTimeoutMs),
      maxResponseBytes: this.#options.maxTokenResponseBytes,
    };
    if (entry.subjectToken !== undefined) request.subjectToken = entry.subjectToken;
    return request;
  }
}
