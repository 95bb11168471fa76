import { randomUUID } from 'node:crypto';
import { type StoredToken, type TokenLease, type TokenStore, TokenStoreError } from '@auth/core';
import {
  decodeEntry,
  encodeEntry,
  entryHeader,
  readHeader,
  UnreadableEntryError,
  type UnreadableReason,
} from './entry-codec.js';
import { entryTtlMs } from './entry-ttl.js';
import { FleetKeys } from './fleet-keys.js';
import { KeyRing } from './key-ring.js';
import { LastRead, NOT_READ } from './last-read.js';
import {
  ACQUIRE_LEASE_IF_UNCHANGED,
  DELETE_IF_FINGERPRINT,
  RELEASE_LEASE,
  SET_IF_LATER,
} from './lua-scripts.js';
import { type FallbackRedis, OutageFallback } from './outage-fallback.js';
import { RedisConnection, RedisUnavailableError } from './redis-connection.js';
import { SameTurn } from './same-turn.js';
import { type RedisTokenStoreOptions, resolveStoreOptions } from './store-options.js';

/**
 * A {@link TokenStore} in Redis, so that a fleet of instances shares one token per key and only one
 * of them logs in at a time (fenced lease).
 *
 * Layout, for a cache key `k`: the entry `<prefix>{k}` (string, `SET ... PX <ttl>`) holds
 * `t1:<sha256(access token)>:` followed by the token JSON, or by its AES-256-GCM ciphertext when an
 * `encryptionKey` is set; the lease is `<prefix>{k}:lease`. The hash tag `{k}` keeps both keys on
 * the same Cluster slot.
 *
 * @example
 * import Redis from 'ioredis';
 * import { createAuthClients, presets } from '@auth/core';
 * import { RedisTokenStore } from '@auth/redis';
 *
 * const store = new RedisTokenStore({
 *   redis: new Redis(process.env.REDIS_URL!),
 *   encryptionKey: process.env.TOKEN_ENCRYPTION_KEY, // openssl rand -base64 32
 *   fallback: 'memory',
 * });
 * export const clients = createAuthClients({
 *   legacy: { ...presets.aspnetToken({ baseUrl, username, password }), store },
 * });
 */
export class RedisTokenStore implements TokenStore {
  readonly #connection: RedisConnection;
  readonly #prefix: string;
  readonly #keys: KeyRing;
  readonly #fleet: FleetKeys;
  readonly #unreadableListeners = new Set<(key: string, reason: UnreadableReason) => void>();
  readonly #fallback: OutageFallback | undefined;
  readonly #refreshTokenTtlMs: number;
  readonly #onError: ((error: TokenStoreError) => void) | undefined;
  readonly #now: () => number;
  readonly #lastRead = new LastRead();
  /** Per entry key, what a lease just granted over an unchanged entry proved the entry holds. */
  readonly #leaseReads = new SameTurn<StoredToken | undefined>();
  /** Entry keys whose lease a read just found held by someone. */
  readonly #leasesSeenHeld = new SameTurn<true>();

  /** @throws {AuthConfigError} when an option is invalid. */
  constructor(options: RedisTokenStoreOptions) {
    const resolved = resolveStoreOptions(options);
    const { prefix, now } = resolved;
    this.#prefix = prefix;
    this.#keys = new KeyRing(resolved.encryptionKey);
    this.#refreshTokenTtlMs = resolved.refreshTokenTtlMs;
    this.#onError = resolved.onError;
    this.#now = now;
    const memory =
      resolved.fallback === 'memory' ? new OutageFallback(now, this.#fallbackRedis()) : undefined;
    this.#fallback = memory;
    this.#connection = new RedisConnection({
      redis: resolved.redis,
      commandTimeoutMs: resolved.commandTimeoutMs,
      onReady: memory === undefined ? undefined : () => void memory.writeBack(),
    });
    this.#fleet = new FleetKeys(this.#connection, prefix, this.#keys);
    this.#fleet.keepAlive();
  }

  /**
   * The token stored under `key`, or `undefined`. An entry this instance cannot use (written with a
   * key it does not have, garbage, no expiry) is reported to {@link onUnreadable} listeners and
   * read as `undefined`, so the lease winner overwrites it. One `MGET` of the entry and its lease,
   * plus a `PTTL` when the entry holds a token this instance has not yet seen usable there; none
   * right after a lease granted over an unchanged entry (the lease answer was that read).
   * @throws {TokenStoreError} when Redis is unavailable (without fallback);
   * `EncryptionKeyMismatchError` (`TOKEN_STORE_MISCONFIGURED`) when the entry is written with a key
   * this instance does not have and the fleet outvotes this instance's key.
   */
  async get(key: string): Promise<StoredToken | undefined> {
    const redisKey = this.#entryKey(key);
    let remote: StoredToken | undefined;
    try {
      this.#fleet.keepAlive();
      const leaseRead = this.#leaseReads.take(redisKey);
      remote = leaseRead !== undefined ? leaseRead.value : await this.#readEntry(key, redisKey);
    } catch (error) {
      return this.#orFallback(error, (memory) => memory.get(key));
    }
    return this.#fallback === undefined ? remote : this.#fallback.reconcile(key, remote);
  }

  /**
   * Stores `token` under `key` with `SET ... PX`: until `expiresAt`, or while its refresh token is
   * valid when it has one (the JWT `exp` of the refresh token, else `refreshTokenTtlMs`).
   * @throws {TokenStoreError} when Redis is unavailable (without fallback).
   */
  async set(key: string, token: StoredToken): Promise<void> {
    const redisKey = this.#entryKey(key);
    try {
      this.#fleet.keepAlive();
      await this.#write(redisKey, token);
    } catch (error) {
      return this.#orFallback(error, (memory) => memory.set(key, token));
    }
    await this.#fallback?.forget(key);
  }

  /**
   * Deletes the entry only if it still holds `accessToken` (atomic, in Lua, comparing the SHA-256
   * fingerprint stored beside the value). Resolves `true` when it deleted the entry.
   * @throws {TokenStoreError} when Redis is unavailable (without fallback).
   */
  async deleteIf(key: string, accessToken: string): Promise<boolean> {
    const redisKey = this.#entryKey(key);
    if (typeof accessToken !== 'string') throw new TypeError('accessToken must be a string');
    const local = (await this.#fallback?.deleteIf(key, accessToken)) ?? false;
    try {
      const deleted = await this.#connection.evalScript(
        'deleteIf',
        DELETE_IF_FINGERPRINT,
        [redisKey],
        [entryHeader(accessToken)],
      );
      return deleted === 1 || local;
    } catch (error) {
      return this.#orFallback(error, async () => local);
    }
  }

  /**
   * Fleet-wide single flight: `SET <prefix>{key}:lease <random fence> NX PX ttlMs`, in one Lua
   * script that also refuses the lease when the entry changed since this instance last read it (a
   * peer just stored a token: the caller waits for the stored result and adopts it instead of
   * logging in again). Resolves a lease when this caller got it, `undefined` otherwise.
   * `release()` deletes the lease only while it still holds this fence (Lua), never rejects, and
   * does nothing the second time. With `fallback: 'memory'` and Redis down, a local lease is
   * always granted; if Redis is back before it is released, the store takes the Redis lease for
   * it (so the fleet waits for the token it is getting instead of logging in again).
   * @throws {TokenStoreError} when Redis is unavailable (without fallback);
   * `EncryptionKeyMismatchError` when the fleet outvotes this instance's key (it must not log in
   * and overwrite the fleet's entry).
   */
  async acquireLease(key: string, ttlMs: number): Promise<TokenLease | undefined> {
    const entryKey = this.#entryKey(key);
    const leaseKey = leaseKeyOf(entryKey);
    if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
      throw new RangeError('ttlMs must be a positive integer');
    }
    const fence = randomUUID();
    try {
      await this.#fleet.check();
      // A read in this turn found the lease held: asking again now would get the same answer.
      if (this.#leasesSeenHeld.take(entryKey) !== undefined) return undefined;
      const seen = this.#lastRead.get(entryKey);
      const answer = await this.#connection.evalScript(
        'acquireLease',
        ACQUIRE_LEASE_IF_UNCHANGED,
        [entryKey, leaseKey],
        [fence, String(ttlMs), seen],
      );
      if (answer !== 1 && answer !== 2) return undefined;
      if (seen !== NOT_READ && this.#lastRead.get(entryKey) === seen) {
        this.#leaseReads.note(
          entryKey,
          answer === 1 ? this.#lastRead.token(entryKey, seen) : undefined,
        );
      }
    } catch (error) {
      return this.#orFallback(error, async (memory) => memory.lease(key, leaseKey, ttlMs));
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await this.#releaseLease(leaseKey, fence);
      },
    };
  }

  /**
   * Registers `listener` for entries this store found unreadable and reads as `undefined` (the
   * `TokenStore` reporting hook). `reason` is secret-free ({@link UnreadableReason}). Returns the
   * function that removes the listener.
   */
  onUnreadable(listener: (key: string, reason: UnreadableReason) => void): () => void {
    this.#unreadableListeners.add(listener);
    return () => this.#unreadableListeners.delete(listener);
  }

  /**
   * Withdraws this instance's key announcement and quits the Redis connection if the store created
   * it from a URL; a borrowed client stays open.
   */
  async close(): Promise<void> {
    if (this.#connection.ready) await this.#fleet.withdraw().catch(() => {});
    await this.#connection.close();
    await this.#fallback?.close();
  }

  /** A secret-free description. */
  toJSON(): Record<string, unknown> {
    return {
      type: 'RedisTokenStore',
      prefix: this.#prefix,
      encrypted: this.#keys.cipher(this.#keys.primaryId) !== undefined,
      keyIds: this.#keys.ids,
      fallback: this.#fallback === undefined ? 'none' : 'memory',
      ready: this.#connection.ready,
    };
  }
  toString(): string {
    return `RedisTokenStore(${JSON.stringify(this.toJSON())})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** What the outage fallback asks of Redis once it is back. */
  #fallbackRedis(): FallbackRedis {
    return {
      takeLease: async (leaseKey, fence, ttlMs) =>
        (await this.#connection.run('SET', (client) =>
          client.set(leaseKey, fence, 'PX', ttlMs, 'NX'),
        )) === 'OK',
      releaseLease: (leaseKey, fence) => this.#releaseLease(leaseKey, fence),
      writeIfLater: (key, token) => this.#writeIfLater(key, token),
      report: (error) => this.#report(error),
    };
  }

  #entryKey(key: string): string {
    if (typeof key !== 'string' || key === '')
      throw new TypeError('key must be a non-empty string');
    return `${this.#prefix}{${key}}`;
  }

  /**
   * Reads an entry with its lease (`MGET`: same slot), then its `PTTL` unless it holds the token
   * last seen usable there (read with a TTL, or written here with one). A held lease is noted for
   * the `acquireLease` that may follow in this turn.
   */
  async #readEntry(key: string, redisKey: string): Promise<StoredToken | undefined> {
    const [value = null, lease = null] = await this.#connection.run('get', (client) =>
      client.mget(redisKey, leaseKeyOf(redisKey)),
    );
    if (lease !== null) this.#leasesSeenHeld.note(redisKey, true);
    if (value === null) {
      this.#lastRead.note(redisKey, '');
      return undefined;
    }
    const header = readHeader(value);
    const seenUsable = this.#lastRead.token(redisKey, header) !== undefined;
    this.#lastRead.note(redisKey, header);
    const hasTtl =
      seenUsable || (await this.#connection.run('get', (client) => client.pttl(redisKey))) !== -1;
    const token = await this.#read(key, redisKey, value, hasTtl);
    if (token !== undefined) this.#lastRead.note(redisKey, header, token);
    return token;
  }

  /** Deletes the Redis lease while it holds `fence`; never rejects (the TTL ends it anyway). */
  async #releaseLease(leaseKey: string, fence: string): Promise<void> {
    try {
      await this.#connection.evalScript('releaseLease', RELEASE_LEASE, [leaseKey], [fence]);
    } catch (error) {
      this.#report(error);
    }
  }

  async #write(redisKey: string, token: StoredToken): Promise<void> {
    const value = await encodeEntry(token, this.#keys, redisKey);
    const ttl = entryTtlMs(token, this.#now(), this.#refreshTokenTtlMs);
    await this.#connection.run('SET', (client) => client.set(redisKey, value, 'PX', ttl));
    this.#lastRead.note(redisKey, readHeader(value), token);
  }

  /**
   * Decodes an entry. One this instance cannot use is reported and read as missing, unless it is
   * written with a key this instance does not have and the fleet outvotes this instance's key: then
   * this instance is the misconfigured one and fails ({@link FleetKeys.check}).
   */
  async #read(
    key: string,
    redisKey: string,
    value: string,
    hasTtl: boolean,
  ): Promise<StoredToken | undefined> {
    try {
      const token = await decodeEntry(value, this.#keys, redisKey);
      if (!hasTtl) throw new UnreadableEntryError('no-ttl');
      return token;
    } catch (error) {
      if (!(error instanceof UnreadableEntryError)) throw error;
      if (error.reason === 'unknown-encryption-key') await this.#fleet.check({ fresh: true });
      for (const listener of this.#unreadableListeners) {
        try {
          listener(key, error.reason);
        } catch {
          // A failing listener must not break the store.
        }
      }
      return undefined;
    }
  }

  async #writeIfLater(key: string, token: StoredToken): Promise<boolean> {
    const redisKey = this.#entryKey(key);
    const value = await encodeEntry(token, this.#keys, redisKey);
    const ttl = entryTtlMs(token, this.#now(), this.#refreshTokenTtlMs);
    const written =
      (await this.#connection.evalScript(
        'writeBack',
        SET_IF_LATER,
        [redisKey],
        [value, String(ttl)],
      )) === 1;
    if (written) this.#lastRead.note(redisKey, readHeader(value), token);
    return written;
  }

  /** Serves `fromMemory` when `error` is a Redis outage and the fallback is on; rethrows otherwise. */
  async #orFallback<T>(
    error: unknown,
    fromMemory: (memory: OutageFallback) => Promise<T>,
  ): Promise<T> {
    this.#report(error);
    if (this.#fallback !== undefined && error instanceof RedisUnavailableError) {
      return fromMemory(this.#fallback);
    }
    throw error;
  }

  #report(error: unknown): void {
    if (this.#onError === undefined || !(error instanceof TokenStoreError)) return;
    try {
      this.#onError(error);
    } catch {
      // A failing listener must not break the store.
    }
  }
}

/** The lease key of an entry key (same hash tag, so same Cluster slot). */
function leaseKeyOf(entryKey: string): string {
  return `${entryKey}:lease`;
}
