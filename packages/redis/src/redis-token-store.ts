import { randomUUID } from 'node:crypto';
import {
  AuthConfigError,
  MemoryTokenStore,
  type StoredToken,
  type TokenLease,
  type TokenStore,
  TokenStoreError,
} from '@auth/core';
import type { EncryptionKey } from './encryption.js';
import {
  decodeEntry,
  encodeEntry,
  entryHeader,
  readHeader,
  UnreadableEntryError,
  type UnreadableReason,
} from './entry-codec.js';
import { DEFAULT_REFRESH_TOKEN_TTL_MS, entryTtlMs } from './entry-ttl.js';
import { FleetKeys } from './fleet-keys.js';
import { KeyRing } from './key-ring.js';
import { LastRead } from './last-read.js';
import {
  ACQUIRE_LEASE_IF_UNCHANGED,
  DELETE_IF_FINGERPRINT,
  GET_ENTRY,
  RELEASE_LEASE,
  SET_IF_LATER,
} from './lua-scripts.js';
import type { RedisClient } from './redis-client.js';
import { RedisConnection, RedisUnavailableError } from './redis-connection.js';

/** Options of {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions {
  /**
   * An ioredis `Redis` or `Cluster` client (borrowed: the store never closes it), or a `redis://` /
   * `rediss://` URL (the store creates the client, with `enableOfflineQueue: false`, and
   * {@link RedisTokenStore.close} quits it). Required.
   */
  redis: RedisClient | string;
  /** Prepended to every Redis key. Default `'auth:token:'`. */
  prefix?: string;
  /**
   * Encrypts every stored token with AES-256-GCM. Exactly 32 bytes: a `Uint8Array`, or a base64 /
   * base64url string of them (`openssl rand -base64 32`). A list rotates keys: the first encrypts,
   * all of them decrypt (entries carry their key's non-secret id). Every instance sharing the Redis
   * needs the fleet's key; an instance the fleet outvotes (see the README, "Encryption") fails with
   * `EncryptionKeyMismatchError` instead of touching shared entries. Default: none (tokens are
   * stored as JSON in clear).
   */
  encryptionKey?: EncryptionKey | readonly EncryptionKey[];
  /**
   * What to do while Redis is unavailable. `'none'`: every operation rejects with
   * `TokenStoreError` (`TOKEN_STORE_UNAVAILABLE`). `'memory'`: serve from a process-local
   * `MemoryTokenStore` (leases are always granted then) and go back to Redis as soon as it answers.
   * Default `'none'`.
   */
  fallback?: 'memory' | 'none';
  /** Upper bound of each Redis command, and of the wait for the first connection, ms. Default `1_000`. */
  commandTimeoutMs?: number;
  /**
   * How long an entry with a refresh token is kept when the refresh token is not a JWT with an
   * `exp` claim, ms. Default `86_400_000` (24 h).
   */
  refreshTokenTtlMs?: number;
  /**
   * Called with every store failure (Redis unavailable, this instance's key outvoted), before the
   * store throws or falls back. For logs and metrics: it never carries a secret. Default: none.
   */
  onError?: (error: TokenStoreError) => void;
  /** Clock, epoch ms, used to turn `expiresAt` into a Redis TTL. Default `Date.now`. */
  now?: () => number;
}

/** Default {@link RedisTokenStoreOptions.prefix}. */
export const DEFAULT_PREFIX = 'auth:token:';
/** Default {@link RedisTokenStoreOptions.commandTimeoutMs}. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;

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
  readonly #fallback: MemoryTokenStore | undefined;
  readonly #refreshTokenTtlMs: number;
  readonly #onError: ((error: TokenStoreError) => void) | undefined;
  readonly #now: () => number;
  readonly #lastRead = new LastRead();
  /** Keys written to the fallback during an outage: written back when Redis is ready again. */
  readonly #outageKeys = new Set<string>();
  /** Leases the fallback granted and their holders have not released yet (a token request in flight). */
  readonly #localLeases = new Set<LocalLease>();

  /** @throws {AuthConfigError} when an option is invalid. */
  constructor(options: RedisTokenStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new AuthConfigError('options', 'must be an object');
    }
    const {
      redis,
      prefix = DEFAULT_PREFIX,
      encryptionKey,
      fallback = 'none',
      commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
      refreshTokenTtlMs = DEFAULT_REFRESH_TOKEN_TTL_MS,
      onError,
      now = Date.now,
    } = options;
    validateRedis(redis);
    if (typeof prefix !== 'string') throw new AuthConfigError('prefix', 'must be a string');
    if (fallback !== 'memory' && fallback !== 'none') {
      throw new AuthConfigError('fallback', "must be 'memory' or 'none'");
    }
    positive('commandTimeoutMs', commandTimeoutMs);
    positive('refreshTokenTtlMs', refreshTokenTtlMs);
    if (onError !== undefined && typeof onError !== 'function') {
      throw new AuthConfigError('onError', 'must be a function');
    }
    if (typeof now !== 'function') throw new AuthConfigError('now', 'must be a function');

    this.#prefix = prefix;
    this.#keys = new KeyRing(encryptionKey);
    this.#fallback = fallback === 'memory' ? new MemoryTokenStore({ now }) : undefined;
    this.#refreshTokenTtlMs = refreshTokenTtlMs;
    this.#onError = onError;
    this.#now = now;
    const memory = this.#fallback;
    this.#connection = new RedisConnection({
      redis,
      commandTimeoutMs,
      onReady: memory === undefined ? undefined : () => void this.#writeBack(memory),
    });
    this.#fleet = new FleetKeys(this.#connection, prefix, this.#keys);
    this.#fleet.keepAlive();
  }

  /**
   * The token stored under `key`, or `undefined`. An entry this instance cannot use (written with a
   * key it does not have, garbage, no expiry) is reported to {@link onUnreadable} listeners and
   * read as `undefined`, so the lease winner overwrites it.
   * @throws {TokenStoreError} when Redis is unavailable (without fallback);
   * `EncryptionKeyMismatchError` (`TOKEN_STORE_MISCONFIGURED`) when the entry is written with a key
   * this instance does not have and the fleet outvotes this instance's key.
   */
  async get(key: string): Promise<StoredToken | undefined> {
    const redisKey = this.#entryKey(key);
    let remote: StoredToken | undefined;
    try {
      this.#fleet.keepAlive();
      const found = (await this.#connection.evalScript('get', GET_ENTRY, [redisKey], [])) as
        | [string, number]
        | null;
      this.#lastRead.note(redisKey, found === null ? '' : readHeader(found[0]));
      remote = found === null ? undefined : await this.#read(key, redisKey, found[0], found[1]);
    } catch (error) {
      return this.#orFallback(error, (memory) => memory.get(key));
    }
    return this.#fallback === undefined ? remote : this.#reconcile(key, remote, this.#fallback);
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
      return this.#orFallback(error, (memory) => {
        this.#outageKeys.add(key);
        return memory.set(key, token);
      });
    }
    if (this.#fallback !== undefined) await forget(this.#fallback, key);
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
    const leaseKey = `${entryKey}:lease`;
    if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
      throw new RangeError('ttlMs must be a positive integer');
    }
    const fence = randomUUID();
    let acquired: boolean;
    try {
      await this.#fleet.check();
      const answer = await this.#connection.evalScript(
        'acquireLease',
        ACQUIRE_LEASE_IF_UNCHANGED,
        [entryKey, leaseKey],
        [fence, String(ttlMs), this.#lastRead.get(entryKey)],
      );
      acquired = answer === 1;
    } catch (error) {
      return this.#orFallback(error, async () => this.#localLease(key, leaseKey, ttlMs));
    }
    if (!acquired) return undefined;
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

  #entryKey(key: string): string {
    if (typeof key !== 'string' || key === '')
      throw new TypeError('key must be a non-empty string');
    return `${this.#prefix}{${key}}`;
  }

  /** Deletes the Redis lease while it holds `fence`; never rejects (the TTL ends it anyway). */
  async #releaseLease(leaseKey: string, fence: string): Promise<void> {
    try {
      await this.#connection.evalScript('releaseLease', RELEASE_LEASE, [leaseKey], [fence]);
    } catch (error) {
      this.#report(error);
    }
  }

  /** A lease of the fallback, tracked until released so that a reconnect can take it in Redis. */
  #localLease(key: string, leaseKey: string, ttlMs: number): TokenLease {
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
        if (lease.fence !== undefined) await this.#releaseLease(leaseKey, lease.fence);
      },
    };
  }

  /**
   * Redis is back while a lease of the fallback is still held (its holder's token request is in
   * flight): takes the Redis lease for the rest of its TTL, unless a peer holds it, so that peers
   * wait for the token instead of logging in again (and, with a single-active-token provider,
   * revoking it).
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
        const taken = await this.#connection.run('SET', (client) =>
          client.set(lease.leaseKey, fence, 'PX', ttlMs, 'NX'),
        );
        if (taken !== 'OK') continue;
        lease.fence = fence;
        // Released while the SET was on its way: nobody else will.
        if (lease.released) await this.#releaseLease(lease.leaseKey, fence);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  async #write(redisKey: string, token: StoredToken): Promise<void> {
    const value = await encodeEntry(token, this.#keys, redisKey);
    const ttl = entryTtlMs(token, this.#now(), this.#refreshTokenTtlMs);
    await this.#connection.run('SET', (client) => client.set(redisKey, value, 'PX', ttl));
    this.#lastRead.note(redisKey, readHeader(value));
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
    ttlMs: number,
  ): Promise<StoredToken | undefined> {
    try {
      const token = await decodeEntry(value, this.#keys, redisKey);
      if (ttlMs < 0) throw new UnreadableEntryError('no-ttl');
      return token;
    } catch (error) {
      if (!(error instanceof UnreadableEntryError)) throw error;
      if (error.reason === 'unknown-encryption-key') await this.#fleet.check();
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

  /**
   * After an outage, the fallback may hold a token obtained while Redis was down: write it back
   * unless Redis' entry outlives it ({@link SET_IF_LATER}), and serve whichever is later. Not
   * while a token request for the key is in flight: its token will be the later one.
   */
  async #reconcile(
    key: string,
    remote: StoredToken | undefined,
    memory: MemoryTokenStore,
  ): Promise<StoredToken | undefined> {
    if (memory.size === 0 || this.#requesting(key)) return remote;
    const local = await memory.get(key);
    if (local === undefined) return remote;
    const written = await this.#writeIfLater(key, local).catch((error) => {
      this.#report(error);
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
  async #writeBack(memory: MemoryTokenStore): Promise<void> {
    await this.#takeLocalLeases();
    for (const key of [...this.#outageKeys]) {
      if (this.#requesting(key)) continue;
      this.#outageKeys.delete(key);
      const local = await memory.get(key);
      if (local === undefined) continue;
      try {
        await this.#writeIfLater(key, local);
        await memory.deleteIf(key, local.accessToken);
      } catch (error) {
        this.#report(error); // the next read of the key tries again
      }
    }
  }

  /** Whether a lease of the fallback for `key` is still held: a token request is in flight. */
  #requesting(key: string): boolean {
    const now = performance.now();
    for (const lease of this.#localLeases) if (lease.key === key && lease.endsAt > now) return true;
    return false;
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
    if (written) this.#lastRead.note(redisKey, readHeader(value));
    return written;
  }

  /** Serves `fromMemory` when `error` is a Redis outage and the fallback is on; rethrows otherwise. */
  async #orFallback<T>(
    error: unknown,
    fromMemory: (memory: MemoryTokenStore) => Promise<T>,
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

/** Drops whatever the fallback holds for `key`: Redis has the current value again. */
async function forget(memory: MemoryTokenStore, key: string): Promise<void> {
  if (memory.size === 0) return;
  const local = await memory.get(key);
  if (local !== undefined) await memory.deleteIf(key, local.accessToken);
}

function validateRedis(redis: unknown): asserts redis is RedisClient | string {
  if (typeof redis === 'string') {
    let url: URL;
    try {
      url = new URL(redis);
    } catch {
      // Never echo the value: a Redis URL may carry a password.
      throw new AuthConfigError('redis', 'is not a valid URL');
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new AuthConfigError('redis', 'URL must use redis: or rediss:');
    }
    return;
  }
  const client = redis as Partial<Record<'get' | 'set' | 'evalsha' | 'on', unknown>> | null;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof client.get !== 'function' ||
    typeof client.set !== 'function' ||
    typeof client.evalsha !== 'function' ||
    typeof client.on !== 'function'
  ) {
    throw new AuthConfigError(
      'redis',
      'must be an ioredis Redis or Cluster client, or a redis:// URL',
    );
  }
}

function positive(option: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new AuthConfigError(option, 'must be a positive number of milliseconds');
  }
}
