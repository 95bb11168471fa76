import { TokenStoreError } from '../errors.js';
import type { LeaseWaitEvent } from '../observability/events.js';
import { sleep } from '../shared/sleep.js';
import type { EntryEvents } from './entry-events.js';
import { AccessToken, type StoredToken } from './token.js';
import type { Entry } from './token-entries.js';
import type { TokenStore } from './token-store.js';

/** A token from the fleet's store or from the token endpoint. */
export interface Obtained {
  token: AccessToken;
  source: 'endpoint' | 'store';
}

/** Requests a token from the endpoint and stores it under `key` (`stored`: what the store held). */
export type RequestAndStore = (
  entry: Entry,
  key: string,
  stored: StoredToken | undefined,
) => Promise<Obtained>;

/** What {@link FleetLease} needs from the manager. */
export interface FleetLeaseOptions {
  now: () => number;
  monotonic: () => number;
  /** Fleet-wide lease duration, ms. */
  leaseTtlMs: number;
  events: EntryEvents;
}

interface FleetWait {
  /** A token the store may hold that must not be adopted (the one being replaced). */
  stale: string | undefined;
  /** Longest wait for a peer holding the lease, ms. */
  waitMs: number;
  /** How long a lease won is held. */
  leaseTtl: number;
  /** Called with the lease won; without it, winning the lease ends the search. */
  request?: RequestAndStore;
}

const LEASE_POLL_MS = 25;
const LEASE_POLL_MAX_MS = 250;
const ignore = () => {};

/**
 * One token request per fleet: with a store offering leases, a stored token other than the stale
 * one is adopted, else the instance that wins the lease requests one while the others poll the
 * store for it (a dead holder's lease expires). Without leases, each instance requests its own.
 */
export class FleetLease {
  readonly #options: FleetLeaseOptions;

  constructor(options: FleetLeaseOptions) {
    this.#options = options;
  }

  /**
   * Adopt a fresher token from the store, or win the lease and `request` one, or wait for the
   * holder (at most twice the lease duration, then `TOKEN_STORE_UNAVAILABLE`).
   */
  async obtain(
    entry: Entry,
    { stale, request }: { stale: string | undefined; request: RequestAndStore },
  ): Promise<Obtained> {
    const { leaseTtlMs } = this.#options;
    const waitMs = 2 * leaseTtlMs;
    const obtained = await this.#search(entry, { stale, waitMs, leaseTtl: leaseTtlMs, request });
    if (obtained === undefined) {
      throw new TokenStoreError('timed out waiting for another instance to store a token');
    }
    return obtained;
  }

  /**
   * A stored token other than `stale`, now or once a peer holding the lease stores one within
   * `waitMs`; `undefined` otherwise. Never asks the endpoint: the lease, held briefly, only tells
   * whether a peer holds it.
   */
  probe(
    entry: Entry,
    { stale, waitMs }: { stale: string | undefined; waitMs: number },
  ): Promise<Obtained | undefined> {
    const leaseTtl = Math.max(1, Math.ceil(Math.min(this.#options.leaseTtlMs, waitMs)));
    return this.#search(entry, { stale, waitMs, leaseTtl });
  }

  async #search(
    entry: Entry,
    { stale, waitMs, leaseTtl, request }: FleetWait,
  ): Promise<Obtained | undefined> {
    const { now, monotonic, events } = this.#options;
    const store = entry.store;
    const key = await entry.key;
    const adopt = (stored: StoredToken | undefined) =>
      stored !== undefined && stored.accessToken !== stale && now() < stored.expiresAt
        ? { token: new AccessToken(stored), source: 'store' as const }
        : undefined;
    const started = monotonic();
    const deadline = started + waitMs;
    let delay = LEASE_POLL_MS;
    let waited = false;
    const waitOver = (outcome: LeaseWaitEvent['outcome']) => {
      if (waited && events.listening) {
        events.emit(entry, { type: 'lease.wait', durationMs: monotonic() - started, outcome });
      }
    };
    for (;;) {
      const stored = await events.storeCall(entry, () => store.get(key));
      const adopted = adopt(stored);
      if (adopted !== undefined) {
        waitOver('adopted');
        return adopted;
      }
      if (store.acquireLease === undefined) return request?.(entry, key, stored);
      const lease = await events.storeCall(entry, () =>
        (store.acquireLease as NonNullable<TokenStore['acquireLease']>)(key, leaseTtl),
      );
      if (lease !== undefined) {
        if (request !== undefined) waitOver('acquired');
        try {
          // A peer may have stored its token and released the lease since our read.
          const latest = await events.storeCall(entry, () => store.get(key));
          const fresh = adopt(latest);
          if (fresh !== undefined || request === undefined) return fresh;
          return await request(entry, key, latest);
        } finally {
          await lease.release().catch(ignore);
        }
      }
      if (monotonic() >= deadline) {
        waitOver('timeout');
        return undefined;
      }
      waited = true;
      await sleep(delay);
      delay = Math.min(delay * 2, LEASE_POLL_MAX_MS);
    }
  }
}
