import { AuthError, type AuthErrorCode } from '../errors.js';
import type { ClientStatus, TokenRequestReason } from '../observability/events.js';
import { cacheKey, keyParts, subjectFingerprint } from './cache-key.js';
import { credentialsOf, type SharedEntries } from './shared-entries.js';
import type { AccessToken } from './token.js';
import type { FlowSource, TokenFlow } from './token-flow.js';
import type { TokenStore } from './token-store.js';

/** Which entry a call is about: its tenant and, for token exchange, its subject token. */
export interface EntryKey {
  /** Selects the per-tenant flow and cache entry when the flow is a function of the tenant. */
  tenant?: string | undefined;
  /** The caller's subject token, for flows that use one (token exchange). Never printed. */
  subjectToken?: string | undefined;
}

/** State of one cache entry: one flow, one key, at most one request in flight. */
export interface Entry {
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
  /** The search for a peer's token after a limited 401, shared by concurrent 401s. */
  adopting: { rejected: string; done: Promise<boolean> } | undefined;
  /** The last token this entry withdrew from the store because the API rejected it. */
  withdrawn: AccessToken | undefined;
  /** The last token the API answered 2xx to: it worked. */
  proven: AccessToken | undefined;
  /** Monotonic ms when a token that had worked was last revoked (a 401 renewed it). */
  revokedAt: number;
  /** Monotonic ms before which the next token request waits (a deferred 401 renewal). */
  renewAt: number;
  /** The store of the manager that made the entry: every manager sharing it uses that one. */
  readonly store: TokenStore;
  /** The entry's id in the process-wide table when it is shared ({@link SharedEntries}). */
  readonly shareId: string | undefined;
  /** Managers holding the entry, while it is shared. */
  holders: number;
}

/** What {@link TokenEntries} needs from the manager's options. */
export interface TokenEntriesOptions {
  flow: FlowSource;
  store: TokenStore;
  maxCachedTenants: number;
  /** The process-wide table to share entries through, if the manager shares. */
  shared: SharedEntries<Entry> | undefined;
}

const DEFAULT_TENANT = '';
const ignore = () => {};

/**
 * One manager's cache entries, per tenant and subject, in least-recently-used order and bounded
 * by `maxCachedTenants`; an entry with a token request in flight is never evicted (that would
 * start a second request for the same key).
 */
export class TokenEntries {
  readonly #options: TokenEntriesOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #perTenant: boolean;
  /** Entries are per subject token when one is given (a static flow: only if it uses them). */
  readonly #perSubject: boolean;
  /** This manager's own flow of a shared entry another manager made: its token requests use it. */
  readonly #ownFlows = new WeakMap<Entry, TokenFlow>();
  #inflightCount = 0;

  constructor(options: TokenEntriesOptions) {
    this.#options = options;
    this.#perTenant = typeof options.flow === 'function';
    this.#perSubject = typeof options.flow === 'function' || options.flow.usesSubjectToken === true;
  }

  /** The entry of a tenant (and subject), made on first use. */
  get({ tenant, subjectToken }: EntryKey): Entry {
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
    const shared = flow.dpop === undefined ? this.#options.shared : undefined;
    const shareId =
      shared === undefined
        ? undefined
        : [...keyParts(flow, keyTenant, subject), credentialsOf(flow)].join('\u0000');
    const create = () =>
      newEntry({ flow, tenant: keyTenant, subjectToken: subject }, this.#options.store, shareId);
    entry =
      shareId === undefined ? create() : (shared as SharedEntries<Entry>).hold(shareId, create);
    if (entry.flow !== flow) this.#ownFlows.set(entry, flow);
    if (entries.size >= this.#options.maxCachedTenants) this.#makeRoom();
    entries.set(id, entry);
    return entry;
  }

  /** The flow this manager requests the entry's tokens with: its own, also for a shared entry. */
  flowOf(entry: Entry): TokenFlow {
    return this.#ownFlows.get(entry) ?? entry.flow;
  }

  /** Counts a token request started (`+1`) or settled (`-1`), for {@link get}'s eviction. */
  countInflight(delta: 1 | -1): void {
    this.#inflightCount += delta;
  }

  /** The entry whose store key is `key`, if this manager holds one. */
  async byKey(key: string): Promise<Entry | undefined> {
    for (const entry of [...this.#entries.values()]) {
      if ((await entry.key) === key) return entry;
    }
    return undefined;
  }

  /** A JSON-safe, secret-free row per entry (one `empty` row when none). */
  status(client: string, now: number, monotonic: number): ClientStatus[] {
    const rows: ClientStatus[] = [];
    for (const entry of this.#entries.values()) {
      const row: ClientStatus = { client, state: 'empty', failures: entry.failures };
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
    if (rows.length === 0) rows.push({ client, state: 'empty', failures: 0 });
    return rows;
  }

  /** Lets every entry go: shared entries no other manager holds leave the process-wide table. */
  close(): void {
    for (const entry of this.#entries.values()) this.#release(entry);
    this.#entries.clear();
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
    if (entry.shareId !== undefined) this.#options.shared?.release(entry.shareId, entry);
  }
}

/** A new, empty entry; the fingerprint of its subject token (if any) comes with its key. */
function newEntry(
  { flow, tenant, subjectToken }: EntryKey & { flow: TokenFlow },
  store: TokenStore,
  shareId: string | undefined,
): Entry {
  // Every token request awaits the key first: the subject's fingerprint is set with it, so a row
  // of `status()` has it as soon as the entry has a token.
  const key =
    subjectToken === undefined
      ? cacheKey(flow, tenant, subjectToken)
      : Promise.all([cacheKey(flow, tenant, subjectToken), subjectFingerprint(subjectToken)]).then(
          ([computed, fingerprint]) => {
            entry.subject = fingerprint;
            return computed;
          },
        );
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
    revokedAt: Number.NEGATIVE_INFINITY,
    renewAt: Number.NEGATIVE_INFINITY,
    store,
    shareId,
    holders: 0,
  };
  return entry;
}

/** The stable code of an error this library raised, else `undefined`. */
export function errorCode(error: unknown): AuthErrorCode | undefined {
  return error instanceof AuthError ? error.code : undefined;
}
