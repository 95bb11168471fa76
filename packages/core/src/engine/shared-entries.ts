/**
 * Token entries shared by the managers of one process (one token per credential per
 * process). Clients and registries created without a `store` whose cache keys and credentials are
 * equal hold one entry: one token, one single flight, so two clients of one account never knock
 * each other's token out on a provider that keeps one token per account.
 */
import type { TokenFlow } from './token-flow.js';

/** What the table needs of an entry. */
export interface SharedEntry {
  /** Managers holding the entry; it leaves the table when the last one lets it go. */
  holders: number;
  /** A token request is in flight: never dropped by the bound (a second request would start). */
  readonly inflight: unknown;
}

/** Most entries a table keeps; beyond it the least recently created idle one stops being shared. */
export const MAX_SHARED_ENTRIES = 10_000;

/**
 * One table of shared entries. Managers share a table only when they read the same clocks and
 * use the same `fetch` ({@link sharedEntries}): a token request started by one serves the others.
 */
export class SharedEntries<T extends SharedEntry> {
  readonly #entries = new Map<string, T>();
  readonly #max: number;

  constructor(max = MAX_SHARED_ENTRIES) {
    this.#max = max;
  }

  /** Number of entries shared now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry of `id`, made by `create` when there is none; held until {@link release}. */
  hold(id: string, create: () => T): T {
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      entry = create();
      if (this.#entries.size >= this.#max) this.#makeRoom();
      this.#entries.set(id, entry);
    }
    entry.holders += 1;
    return entry;
  }

  /** A manager no longer holds `entry` (evicted from its own cache, or closed). */
  release(id: string, entry: T): void {
    entry.holders -= 1;
    if (entry.holders <= 0 && this.#entries.get(id) === entry) this.#entries.delete(id);
  }

  /**
   * Stops sharing the oldest entry without a request in flight. Its holders keep it; a manager
   * that needs it later makes a new one. Bounds the table even when managers are dropped without
   * `close()`.
   */
  #makeRoom(): void {
    for (const [id, entry] of this.#entries) {
      if (entry.inflight === undefined) {
        this.#entries.delete(id);
        return;
      }
    }
  }
}

/** The credentials of the flows built by this package ({@link withCredentials}). */
const credentials = new WeakMap<TokenFlow, string>();
const objectIds = new WeakMap<object, string>();
let objects = 0;

/**
 * Marks `flow` as built from exactly these credentials (secrets, keys, certificates): flows with
 * equal cache keys (which hold no secret) share tokens only when their credentials are equal too,
 * so a client with a wrong password never gets the token of one with the right password. Kept in
 * memory only, never printed. Strings count by value, keys and certificates by identity.
 */
export function withCredentials<T extends TokenFlow>(flow: T, secrets: readonly unknown[]): T {
  credentials.set(flow, JSON.stringify(secrets.map(credentialPart)));
  return flow;
}

/**
 * What tells flows of equal cache keys apart: the credentials of a flow built by this package,
 * else the flow object itself (a custom flow shares only with itself: its key may not name the
 * account).
 */
export function credentialsOf(flow: TokenFlow): string {
  return credentials.get(flow) ?? objectId(flow);
}

function credentialPart(value: unknown): string {
  if (typeof value === 'string') return `=${value}`;
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    return objectId(value);
  }
  return '';
}

function objectId(value: object): string {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = `#${++objects}`;
    objectIds.set(value, id);
  }
  return id;
}

type Tables = WeakMap<object, WeakMap<object, WeakMap<object, SharedEntries<never>>>>;

/** Tables by `now`, then `monotonic`, then `fetch`: kept only while those functions live. */
let tables: Tables = new WeakMap();

/**
 * Managers created from now on share nothing with those created before (which keep sharing among
 * themselves). For test suites that build their registries afresh for each test: this
 * repository's test setup calls it after every test.
 */
export function forgetSharedEntries(): void {
  tables = new WeakMap();
}

/**
 * The process-wide table of the managers that read the clocks `now` and `monotonic` and request
 * tokens with `fetch` (the defaults are one function each, so clients left at their defaults share).
 */
export function sharedEntries<T extends SharedEntry>(
  now: () => number,
  monotonic: () => number,
  fetch: typeof globalThis.fetch,
): SharedEntries<T> {
  let byMonotonic = tables.get(now);
  if (byMonotonic === undefined) {
    byMonotonic = new WeakMap();
    tables.set(now, byMonotonic);
  }
  let byFetch = byMonotonic.get(monotonic);
  if (byFetch === undefined) {
    byFetch = new WeakMap();
    byMonotonic.set(monotonic, byFetch);
  }
  let table = byFetch.get(fetch);
  if (table === undefined) {
    table = new SharedEntries<never>();
    byFetch.set(fetch, table);
  }
  return table as unknown as SharedEntries<T>;
}
