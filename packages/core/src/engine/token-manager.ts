import {
  AuthError,
  type AuthErrorCode,
  isAuthError,
  TokenEndpointError,
  TokenStoreError,
} from '../errors.js';
import { EventHub } from '../observability/event-hub.js';
import type {
  AuthEvent,
  ClientStatus,
  LeaseWaitEvent,
  TokenRequestReason,
  UnauthorizedAction,
} from '../observability/events.js';
import { abortable } from '../shared/abortable.js';
import { withDeadline } from '../shared/deadline.js';
import { challengeError } from '../shared/www-authenticate.js';
import { cacheKey, keyParts, subjectFingerprint } from './cache-key.js';
import { credentialsOf, type SharedEntries, sharedEntries } from './shared-entries.js';
import { AccessToken, type StoredToken } from './token.js';
import type { FlowRequest, FlowSource, TokenFlow } from './token-flow.js';
import type { TokenStore } from './token-store.js';
import type { BackoffOptions, RefreshOptions } from './token-timing.js';
import {
  backoffDelay,
  MAX_TOKEN_LIFETIME_SECONDS,
  refreshPoint,
  toStoredToken,
  unauthorizedInterval,
} from './token-timing.js';

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
export interface GetTokenOptions {
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

/** State of one cache entry: one flow, one key, at most one request in flight. */
interface Entry {
  readonly flow: TokenFlow;
  readonly key: Promise<string>;
  readonly tenant: string | undefined;
  /** The subject token this entry's tokens are for (token exchange), else `undefined`. */
  readonly subjectToken: string | undefined;
  /** Its fingerprint for `status()` ({@link subjectFingerprint}), once computed. */
  subject: string | undefined;
  /** The token handed out, while it is usable. */
  token: AccessToken | undefined;
  refreshAt: number;
  /** The last token this entry knew, even after it was invalidated: its refresh token is reused. */
  last: AccessToken | undefined;
  inflight: Promise<AccessToken> | undefined;
  failures: number;
  lastError: unknown;
  /** Monotonic ms before which no new token request is made after a failure. */
  retryAt: number;
  /** Why the next token request is made, when something other than the clock decided it. */
  pendingReason: TokenRequestReason | undefined;
  /** Monotonic ms when the current token arrived. */
  tokenAt: number;
  /** Token requests made because of a 401, in a row; the current token came from one when > 0. */
  unauthorizedRenewals: number;
  /** The search for a peer's token after a limited 401 ({@link TokenManager.reject}), shared. */
  adopting: { rejected: string; done: Promise<boolean> } | undefined;
  /** The last token this entry withdrew from the store because the API rejected it. */
  withdrawn: AccessToken | undefined;
  /** The last token the API answered 2xx to ({@link TokenManager.confirm}): it worked. */
  proven: AccessToken | undefined;
  /** The store of the manager that made the entry: every manager sharing it uses that one. */
  readonly store: TokenStore;
  /** The entry's id in the process-wide table when it is shared ({@link SharedEntries}). */
  readonly shareId: string | undefined;
  /** Managers holding the entry, while it is shared. */
  holders: number;
}

/** A token from the fleet's store or from the token endpoint. */
interface Obtained {
  token: AccessToken;
  source: 'endpoint' | 'store';
}

/** Share of the gap by which a faster call lowers the latency estimate. */
const LATENCY_DECAY = 0.01;
const LEASE_POLL_MS = 25;
const LEASE_POLL_MAX_MS = 250;
const DEFAULT_TENANT = '';
const ignore = () => {};
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
  readonly #entries = new Map<string, Entry>();
  readonly #monotonic: () => number;
  readonly #events: EventHub;
  readonly #client: string;
  readonly #perTenant: boolean;
  /** Entries are per subject token when one is given (a static flow: only if it uses them). */
  readonly #perSubject: boolean;
  /** The process-wide table this manager shares entries through, if it does. */
  readonly #shared: SharedEntries<Entry> | undefined;
  /** This manager's own flow of a shared entry another manager made: its token requests use it. */
  readonly #ownFlows = new WeakMap<Entry, TokenFlow>();
  #inflightCount = 0;
  /** Decaying high estimate of recent API call latency, ms ({@link observeLatency}). */
  #latencyMs = 0;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
    this.#monotonic = options.monotonic ?? performanceNow;
    this.#events = options.events ?? new EventHub();
    this.#client = options.client ?? 'client';
    this.#perTenant = typeof options.flow === 'function';
    this.#perSubject = typeof options.flow === 'function' || options.flow.usesSubjectToken === true;
    this.#shared = options.shareEntries
      ? sharedEntries<Entry>(options.now, this.#monotonic, options.fetch)
      : undefined;
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
  peekToken(tenant?: string, subjectToken?: string): AccessToken | undefined {
    const entry = this.#entry(tenant, subjectToken);
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
    const current = this.peekToken(options.tenant, options.subjectToken);
    if (current !== undefined) return current;
    const entry = this.#entry(options.tenant, options.subjectToken);
    if (entry.inflight === undefined) {
      if (this.#monotonic() < entry.retryAt) throw entry.lastError;
      this.#startRenewal(entry, entry.pendingReason ?? (entry.last ? 'expired' : 'missing'));
    }
    return abortable(entry.inflight as Promise<AccessToken>, options.signal);
  }

  /**
   * Report that the API answered 401 to a request carrying `token` (`challenge`: the response's
   * `WWW-Authenticate`). The 401 budget of DESIGN §8 decides:
   * - `ignored`: the challenge names another error than `invalid_token` (`insufficient_scope`...);
   * - `stale`: `token` is no longer current (someone replaced or dropped it already);
   * - `limited`: the current token was itself obtained because of a 401 within the interval
   *   ({@link unauthorizedInterval}) and never had a 2xx answer ({@link confirm}), so it is kept;
   * - `renewed`: the token is dropped, locally and in the store; the next caller gets a new one.
   *
   * A token that worked and now gets a 401 was revoked (a single-active-token provider, an
   * operator): it is renewed at once, whatever the interval (DESIGN §8, proven tokens).
   *
   * A store that fails to delete is reported as a `store.failure` event and never replaces the
   * API's answer: this method does not throw.
   */
  async reject(
    token: AccessToken,
    tenant?: string,
    challenge?: string | null,
    subjectToken?: string,
  ): Promise<UnauthorizedAction> {
    const error = challengeError(challenge);
    if (error !== undefined && error !== 'invalid_token') return 'ignored';
    const entry = this.#entry(tenant, subjectToken);
    if (entry.token?.accessToken !== token.accessToken) return 'stale';
    const age = this.#monotonic() - entry.tokenAt;
    const interval = unauthorizedInterval(entry.unauthorizedRenewals, this.#options.backoff);
    const proven = entry.proven?.accessToken === token.accessToken;
    if (!proven && entry.unauthorizedRenewals > 0 && age < interval) {
      // No new request; but a peer may have stored a newer token, or be getting one (its login
      // revoked this one), and adopting that costs the endpoint nothing.
      return (await this.#adoptPeerToken(entry, token)) ? 'stale' : 'limited';
    }
    // A token that worked, or served well for a while: this 401 starts a new series.
    if (proven || age >= 2 * interval) entry.unauthorizedRenewals = 0;
    entry.token = undefined;
    entry.pendingReason = 'rejected';
    try {
      await entry.store.deleteIf(await entry.key, token.accessToken);
    } catch (cause) {
      this.#emitStoreFailure(entry, cause, true);
    }
    return 'renewed';
  }

  /**
   * Report that the API answered 2xx to a request that carried `token`: the token works, so a
   * later 401 for it means it was revoked, and {@link reject} renews it at once instead of
   * applying the 401 budget. Cheap (a map lookup and a comparison; allocates nothing for a client
   * without tenants or subjects); a token that is no longer current is ignored.
   */
  confirm(token: AccessToken, tenant?: string, subjectToken?: string): void {
    const entry = this.#entry(tenant, subjectToken);
    if (entry.token === token) entry.proven = token;
  }

  /**
   * After a limited 401, whether a token other than `rejected` is current now, without a token
   * request: this instance's own renewal in flight, else the fleet's token when the store holds a
   * valid one or gets one soon (a peer holds the lease: its login is in flight). Each wait lasts at
   * most the first backoff interval. Never throws. Concurrent 401s of the same token share one
   * search.
   */
  async #adoptPeerToken(entry: Entry, rejected: AccessToken): Promise<boolean> {
    let adopting = entry.adopting;
    if (adopting?.rejected !== rejected.accessToken) {
      const done = this.#searchPeerToken(entry, rejected)
        .catch(() => false)
        .finally(() => {
          if (entry.adopting === adopting) entry.adopting = undefined;
        });
      adopting = { rejected: rejected.accessToken, done };
      entry.adopting = adopting;
    }
    return adopting.done;
  }

  async #searchPeerToken(entry: Entry, rejected: AccessToken): Promise<boolean> {
    const replaced = () => entry.token?.accessToken !== rejected.accessToken;
    const waitMs = unauthorizedInterval(0, this.#options.backoff);
    if (entry.inflight !== undefined) await withDeadline(entry.inflight, waitMs).catch(ignore);
    if (replaced()) return true;
    await this.#withdraw(entry, rejected);
    const found = await this.#fromFleet(entry, {
      request: false,
      stale: rejected.accessToken,
      waitMs,
    });
    if (replaced()) return true;
    if (found === undefined) return false;
    entry.token = found.token;
    entry.last = found.token;
    entry.refreshAt = refreshPoint(found.token.toRecord(), this.#options.refresh);
    return true;
  }

  /**
   * Deletes `rejected` from the store (once per token) while this entry keeps it for the 401
   * budget: the API refused it, so no peer should adopt it, and a store that kept it while its
   * backend was down must not write it back (it would replace the fleet's valid token).
   */
  async #withdraw(entry: Entry, rejected: AccessToken): Promise<void> {
    if (entry.withdrawn?.accessToken === rejected.accessToken) return;
    entry.withdrawn = rejected;
    try {
      await entry.store.deleteIf(await entry.key, rejected.accessToken);
    } catch (cause) {
      this.#emitStoreFailure(entry, cause, true);
    }
  }

  /** Emits `api.unauthorized` for a 401 handled by {@link reject} (the caller knows whether it retried). */
  reportUnauthorized(
    tenant: string | undefined,
    action: UnauthorizedAction,
    retried: boolean,
    subjectToken?: string,
  ): void {
    if (!this.#events.listening) return;
    this.#emit(this.#entry(tenant, subjectToken), { type: 'api.unauthorized', action, retried });
  }

  /** The DPoP prover of the flow serving `tenant`, when its tokens are DPoP-bound. */
  dpop(tenant?: string, subjectToken?: string): TokenFlow['dpop'] {
    return this.#entry(tenant, subjectToken).flow.dpop;
  }

  /** A JSON-safe, secret-free snapshot of every cached entry (one `empty` row when none). */
  status(): ClientStatus[] {
    const now = this.#options.now();
    const monotonic = this.#monotonic();
    const rows: ClientStatus[] = [];
    for (const entry of this.#entries.values()) {
      const row: ClientStatus = { client: this.#client, state: 'empty', failures: entry.failures };
      if (entry.tenant !== undefined) row.tenant = entry.tenant;
      if (entry.subject !== undefined) row.subject = entry.subject;
      const token = entry.token;
      const valid = token !== undefined && now < token.expiresAt;
      if (valid) row.expiresInMs = Math.round(token.expiresAt - now);
      if (entry.inflight !== undefined) row.state = 'refreshing';
      else if (entry.failures > 0) row.state = 'failing';
      else if (valid) row.state = now < entry.refreshAt ? 'valid' : 'expiring';
      if (entry.failures > 0) {
        const code = errorCode(entry.lastError);
        if (code !== undefined) row.lastError = code;
        if (monotonic < entry.retryAt) row.retryInMs = Math.round(entry.retryAt - monotonic);
      }
      rows.push(row);
    }
    if (rows.length === 0) rows.push({ client: this.#client, state: 'empty', failures: 0 });
    return rows;
  }

  /**
   * The entry of a tenant (and subject). Per-tenant and per-subject entries are kept in
   * least-recently-used order and bounded by `maxCachedTenants`; an entry with a token request in
   * flight is never evicted (that would start a second request for the same key).
   */
  #entry(tenant: string | undefined, subjectToken?: string): Entry {
    const subject = this.#perSubject ? subjectToken : undefined;
    const tenantId = this.#perTenant ? (tenant ?? DEFAULT_TENANT) : DEFAULT_TENANT;
    const id = subject === undefined ? tenantId : `${tenantId}\u0000${subject}`;
    const keyed = this.#perTenant || subject !== undefined;
    const entries = this.#entries;
    let entry = entries.get(id);
    if (entry !== undefined) {
      if (keyed) {
        entries.delete(id);
        entries.set(id, entry);
      }
      return entry;
    }
    const flowSource = this.#options.flow;
    const flow = typeof flowSource === 'function' ? flowSource({ tenant }) : flowSource;
    const keyTenant = this.#perTenant ? tenant : undefined;
    const shared = flow.dpop === undefined ? this.#shared : undefined;
    const shareId =
      shared === undefined
        ? undefined
        : [...keyParts(flow, keyTenant, subject), credentialsOf(flow)].join('\u0000');
    const create = () => newEntry(flow, keyTenant, subject, this.#options.store, shareId);
    entry =
      shareId === undefined ? create() : (shared as SharedEntries<Entry>).hold(shareId, create);
    if (entry.flow !== flow) this.#ownFlows.set(entry, flow);
    if (entries.size >= this.#options.maxCachedTenants) this.#makeRoom();
    entries.set(id, entry);
    return entry;
  }

  /**
   * Drops least recently used entries without a request in flight until there is room for one
   * more. Entries in flight met on the way move to the back, so that a crowd of them is not
   * scanned again for every new tenant.
   */
  #makeRoom(): void {
    const entries = this.#entries;
    const max = this.#options.maxCachedTenants;
    let visits = entries.size;
    for (const [id, candidate] of entries) {
      if (entries.size < max || this.#inflightCount >= entries.size || visits-- === 0) return;
      entries.delete(id);
      if (candidate.inflight !== undefined) entries.set(id, candidate);
      else this.#release(candidate);
    }
  }

  /** This manager no longer holds `entry`: a shared one may leave the process-wide table. */
  #release(entry: Entry): void {
    if (entry.shareId !== undefined) this.#shared?.release(entry.shareId, entry);
  }

  /**
   * Lets every cached entry go (the registry's `close()`): shared entries no other manager holds
   * leave the process-wide table. A later call starts afresh.
   */
  close(): void {
    for (const entry of this.#entries.values()) this.#release(entry);
    this.#entries.clear();
  }

  #startRenewal(entry: Entry, reason: TokenRequestReason): void {
    const background = reason === 'refresh';
    if (this.#events.listening) this.#emit(entry, { type: 'token.request', reason });
    const renewal = this.#renew(entry, reason, background);
    renewal.catch(ignore);
    entry.inflight = renewal;
    this.#inflightCount += 1;
  }

  async #renew(
    entry: Entry,
    reason: TokenRequestReason,
    background: boolean,
  ): Promise<AccessToken> {
    const started = this.#monotonic();
    try {
      const { token, source } = await this.#obtain(entry);
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
        this.#emit(entry, {
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
        this.#emit(entry, {
          type: 'token.failure',
          code: errorCode(error) ?? 'TOKEN_ENDPOINT_UNREACHABLE',
          ...(status === undefined ? {} : { status }),
          durationMs: this.#monotonic() - started,
          background,
          retryInMs: delay,
        });
      }
      throw error;
    } finally {
      entry.inflight = undefined;
      this.#inflightCount -= 1;
    }
  }

  /**
   * Adopt a fresher token from the store, or win the lease and request one, or wait for the
   * holder: poll the store for its token and retry the lease (a dead holder's lease expires).
   */
  async #obtain(entry: Entry): Promise<Obtained> {
    const obtained = await this.#fromFleet(entry, {
      request: true,
      stale: entry.last?.accessToken,
      waitMs: 2 * this.#options.leaseTtlMs,
    });
    if (obtained === undefined) {
      throw new TokenStoreError('timed out waiting for another instance to store a token');
    }
    return obtained;
  }

  /**
   * The fleet's side of {@link obtain}: a stored token other than `stale` is adopted. With
   * `request: false` it never asks the endpoint: it resolves `undefined` instead of requesting
   * (when it gets the lease, or the store has none), as it does when `waitMs` passes while a peer
   * holds the lease.
   */
  async #fromFleet(
    entry: Entry,
    { request, stale, waitMs }: { request: boolean; stale: string | undefined; waitMs: number },
  ): Promise<Obtained | undefined> {
    const { leaseTtlMs, now } = this.#options;
    const store = entry.store;
    const key = await entry.key;
    const adopt = (stored: StoredToken | undefined) =>
      stored !== undefined && stored.accessToken !== stale && now() < stored.expiresAt
        ? { token: new AccessToken(stored), source: 'store' as const }
        : undefined;
    // Without a request the lease only tells whether a peer holds it: hold it briefly.
    const leaseTtl = request ? leaseTtlMs : Math.max(1, Math.ceil(Math.min(leaseTtlMs, waitMs)));
    const started = this.#monotonic();
    const deadline = started + waitMs;
    let delay = LEASE_POLL_MS;
    let waited = false;
    const waitOver = (outcome: LeaseWaitEvent['outcome']) => {
      if (waited && this.#events.listening) {
        this.#emit(entry, {
          type: 'lease.wait',
          durationMs: this.#monotonic() - started,
          outcome,
        });
      }
    };
    for (;;) {
      const stored = await this.#storeCall(entry, () => store.get(key));
      const adopted = adopt(stored);
      if (adopted !== undefined) {
        waitOver('adopted');
        return adopted;
      }
      if (store.acquireLease === undefined) {
        return request ? this.#requestAndStore(entry, key, stored) : undefined;
      }
      const lease = await this.#storeCall(entry, () =>
        (store.acquireLease as NonNullable<TokenStore['acquireLease']>)(key, leaseTtl),
      );
      if (lease !== undefined) {
        if (request) waitOver('acquired');
        try {
          // A peer may have stored its token and released the lease since our read.
          const latest = await this.#storeCall(entry, () => store.get(key));
          const fresh = adopt(latest);
          if (fresh !== undefined || !request) return fresh;
          return await this.#requestAndStore(entry, key, latest);
        } finally {
          await lease.release().catch(ignore);
        }
      }
      if (this.#monotonic() >= deadline) {
        waitOver('timeout');
        return undefined;
      }
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, LEASE_POLL_MAX_MS);
    }
  }

  async #requestAndStore(
    entry: Entry,
    key: string,
    stored: StoredToken | undefined,
  ): Promise<Obtained & { source: 'endpoint' }> {
    const { now } = this.#options;
    const store = entry.store;
    const refreshToken = stored?.refreshToken ?? entry.last?.refreshToken;
    const sentAt = now();
    const response = await this.#request(entry, refreshToken);
    const record = toStoredToken(response, sentAt, this.#flowOf(entry).defaultLifetimeSeconds);
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
    await this.#storeCall(entry, () => store.set(key, record));
    return { token: new AccessToken(record), source: 'endpoint' };
  }

  /** A store operation; its failure is reported as an event, then thrown as it was. */
  async #storeCall<T>(entry: Entry, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.#emitStoreFailure(entry, error, false);
      throw error;
    }
  }

  /** A shared store could not read `key` (another encryption key, garbage, no TTL): say whose. */
  async #reportUnreadable(key: string, reason: string): Promise<void> {
    if (!this.#events.listening) return;
    for (const entry of [...this.#entries.values()]) {
      if ((await entry.key) === key) {
        this.#emit(entry, { type: 'store.unreadable', reason });
        return;
      }
    }
  }

  #emitStoreFailure(entry: Entry, error: unknown, fallback: boolean): void {
    if (!this.#events.listening) return;
    this.#emit(entry, {
      type: 'store.failure',
      code: errorCode(error) ?? 'TOKEN_STORE_UNAVAILABLE',
      fallback,
    });
  }

  /** Refresh token first when there is one; a rejected refresh falls back to one full login. */
  async #request(entry: Entry, refreshToken: string | undefined) {
    const flow = this.#flowOf(entry);
    if (refreshToken !== undefined && flow.refreshToken !== undefined) {
      try {
        return await flow.refreshToken(refreshToken, this.#flowRequest(entry));
      } catch (error) {
        if (!(error instanceof AuthError && error.code === 'TOKEN_ENDPOINT_REJECTED')) throw error;
      }
    }
    return flow.requestToken(this.#flowRequest(entry));
  }

  /** The flow this manager requests the entry's tokens with: its own, also for a shared entry. */
  #flowOf(entry: Entry): TokenFlow {
    return this.#ownFlows.get(entry) ?? entry.flow;
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

  /** Adds the fields every event carries. Call only when someone listens. */
  #emit(entry: Entry, event: DistributiveOmit<AuthEvent, 'client' | 'flow' | 'time'>): void {
    this.#events.emit({
      ...event,
      client: this.#client,
      ...(entry.tenant === undefined ? {} : { tenant: entry.tenant }),
      flow: entry.flow.id,
      time: this.#options.now(),
    } as AuthEvent);
  }
}

/** A new, empty entry; the fingerprint of its subject token (if any) follows for `status()`. */
function newEntry(
  flow: TokenFlow,
  tenant: string | undefined,
  subjectToken: string | undefined,
  store: TokenStore,
  shareId: string | undefined,
): Entry {
  const key = cacheKey(flow, tenant, subjectToken);
  // A key that cannot be computed (a broken DPoP key) fails the token request that awaits it.
  key.catch(ignore);
  const entry: Entry = {
    flow,
    key,
    tenant,
    subjectToken,
    subject: undefined,
    token: undefined,
    refreshAt: 0,
    last: undefined,
    inflight: undefined,
    failures: 0,
    lastError: undefined,
    retryAt: Number.NEGATIVE_INFINITY,
    pendingReason: undefined,
    tokenAt: 0,
    unauthorizedRenewals: 0,
    adopting: undefined,
    withdrawn: undefined,
    proven: undefined,
    store,
    shareId,
    holders: 0,
  };
  if (subjectToken !== undefined) {
    subjectFingerprint(subjectToken).then((fingerprint) => {
      entry.subject = fingerprint;
    }, ignore);
  }
  return entry;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function errorCode(error: unknown): AuthErrorCode | undefined {
  return error instanceof AuthError ? error.code : undefined;
}
