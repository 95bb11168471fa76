import { AuthConfigError, type TokenStoreError } from '@auth/core';
import type { EncryptionKey } from './encryption.js';
import { DEFAULT_REFRESH_TOKEN_TTL_MS } from './entry-ttl.js';
import type { RedisClient } from './redis-client.js';

/** Options of `RedisTokenStore`. */
export interface RedisTokenStoreOptions {
  /**
   * An ioredis `Redis` or `Cluster` client (borrowed: the store never closes it), or a `redis://` /
   * `rediss://` URL (the store creates the client, with `enableOfflineQueue: false`, and
   * `RedisTokenStore.close()` quits it). Required.
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

/** {@link RedisTokenStoreOptions} checked, with their defaults. */
export type ResolvedStoreOptions = Required<
  Omit<RedisTokenStoreOptions, 'encryptionKey' | 'onError'>
> &
  Pick<RedisTokenStoreOptions, 'encryptionKey' | 'onError'>;

/** @throws {AuthConfigError} when an option is invalid. */
export function resolveStoreOptions(options: RedisTokenStoreOptions): ResolvedStoreOptions {
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
  return {
    redis,
    prefix,
    encryptionKey,
    fallback,
    commandTimeoutMs,
    refreshTokenTtlMs,
    onError,
    now,
  };
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
