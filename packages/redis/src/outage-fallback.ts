import { randomUUID } from 'node:crypto';
import { MemoryTokenStore, type StoredToken, type TokenLease } from '@auth/core';

/** What the fallback asks of Redis once it is back. */
export interface FallbackRedis {
  /** `SET leaseKey fence PX ttlMs NX`: whether this instance got the lease. */
  takeLease(leaseKey: string, fence: string, ttlMs: number): Promise<boolean>;
  /** Deletes the lease while it holds `fence`; never rejects. */
  releaseLease(leaseKey: string, fence: string): Promise<void>;
  /** Writes `token` unless Redis' entry outlives it; whether it wrote. */
  writeIfLater(key: string, token: StoredToken): Promise<boolean>;
  /** Reports a Redis error to the store's `onError`. */
  report(error: unknown): void;
}

/** A lease granted by the fallback while Redis was down; taken in Redis as well once it is back. */
interface LocalLease {
  readonly key: string;
  readonly leaseKey: string;
  /** `performance.now()` when the lease ends by its TTL. */
  readonly endsAt: number;
  /** The fence of the Redis lease taken for it after the reconnect. */
  fence: string | undefined;
  released: boolean;
}

/**
 * `fallback: 'memory'` of the Redis store: while Redis is down, tokens and leases live in memory;
 * once it is back, the leases still held are taken in Redis and the tokens obtained meanwhile are
 * written back, so that the fleet converges on the last one issued.
 */
export class OutageFallback {
  readonly #memory: MemoryTokenStore;
  readonly #redis: FallbackRedis;
  /** Keys written during an outage: written back when Redis is ready again. */
  readonly #outageKeys = new Set<string>();
  /** Leases granted and not released yet (a token request in flight). */
  readonly #localLeases = new Set<LocalLease>();

  constructor(now: () => number, redis: FallbackRedis) {
    this.#memory = new MemoryTokenStore({ now });
    this.#redis = redis;
  }

  /** The token held for `key` while Redis is down. */
  get(key: string): Promise<StoredToken | undefined> {
    return this.#memory.get(key);
  }

  /** Keeps `token` while Redis is down; written back once it is ready. */
  set(key: string, token: StoredToken): Promise<void> {
    this.#outageKeys.add(key);
    return this.#memory.set(key, token);
  }

  /** Deletes the token held for `key` if it is `accessToken`. */
  deleteIf(key: string, accessToken: string): Promise<boolean> {
    return this.#memory.deleteIf(key, accessToken);
  }

  /** Drops whatever is held for `key`: Redis has the current value again. */
  async forget(key: string): Promise<void> {
    const memory = this.#memory;
    if (memory.size === 0) return;
    const local = await memory.get(key);
    if (local !== undefined) await memory.deleteIf(key, local.accessToken);
  }

  /** A local lease, always granted, tracked until released so that a reconnect can take it in Redis. */
  lease(key: string, leaseKey: string, ttlMs: number): TokenLease {
    const lease: LocalLease = {
      key,
      leaseKey,
      endsAt: performance.now() + ttlMs,
      fence: undefined,
      released: false,
    };
    this.#localLeases.add(lease);
    return {
      release: async () => {
        if (lease.released) return;
        lease.released = true;
        this.#localLeases.delete(lease);
        if (lease.fence !== undefined) await this.#redis.releaseLease(leaseKey, lease.fence);
      },
    };
  }

  /**
   * After an outage, a token obtained while Redis was down is written back unless Redis' entry
   * outlives it, and whichever is later is served. Not while a token request for the key is in
   * flight: its token will be the later one.
   */
  async reconcile(key: string, remote: StoredToken | undefined): Promise<StoredToken | undefined> {
    const memory = this.#memory;
    if (memory.size === 0 || this.#requesting(key)) return remote;
    const local = await memory.get(key);
    if (local === undefined) return remote;
    const written = await this.#redis.writeIfLater(key, local).catch((error) => {
      this.#redis.report(error);
      return false;
    });
    await memory.deleteIf(key, local.accessToken);
    return written ? local : remote;
  }

  /**
   * Redis is ready again: takes the Redis lease for token requests still in flight, then writes
   * back every token obtained during the outage at once, so that the fleet converges on the last
   * one issued (instances whose token was revoked adopt it on their next 401) without waiting for
   * each instance's next read. A key with a token request in flight is skipped: the token it gets
   * will be the last one issued (and the next read writes back the local one if it fails).
   */
  async writeBack(): Promise<void> {
    await this.#takeLocalLeases();
    const memory = this.#memory;
    for (const key of [...this.#outageKeys]) {
      if (this.#requesting(key)) continue;
      this.#outageKeys.delete(key);
      const local = await memory.get(key);
      if (local === undefined) continue;
      try {
        await this.#redis.writeIfLater(key, local);
        await memory.deleteIf(key, local.accessToken);
      } catch (error) {
        this.#redis.report(error); // the next read of the key tries again
      }
    }
  }

  close(): Promise<void> {
    return this.#memory.close();
  }

  /**
   * Redis is back while a local lease is still held (its holder's token request is in flight):
   * takes the Redis lease for the rest of its TTL, unless a peer holds it, so that peers wait for
   * the token instead of logging in again (and, with a single-active-token provider, revoking it).
   */
  async #takeLocalLeases(): Promise<void> {
    for (const lease of [...this.#localLeases]) {
      const ttlMs = Math.ceil(lease.endsAt - performance.now());
      if (ttlMs <= 0) {
        this.#localLeases.delete(lease);
        continue;
      }
      const fence = randomUUID();
      try {
        if (!(await this.#redis.takeLease(lease.leaseKey, fence, ttlMs))) continue;
        lease.fence = fence;
        // Released while the SET was on its way: nobody else will.
        if (lease.released) await this.#redis.releaseLease(lease.leaseKey, fence);
      } catch (error) {
        this.#redis.report(error);
      }
    }
  }

  /** Whether a local lease for `key` is still held: a token request is in flight. */
  #requesting(key: string): boolean {
    const now = performance.now();
    for (const lease of this.#localLeases) if (lease.key === key && lease.endsAt > now) return true;
    return false;
  }
}
