/**
 * `@auth/redis`: a Redis {@link RedisTokenStore} for `@auth/core`, so that a fleet of instances shares
 * one token per key and only one of them logs in at a time.
 *
 * @packageDocumentation
 */
export type { EncryptionKey } from './encryption.js';
export type { UnreadableReason } from './entry-codec.js';
export { DEFAULT_REFRESH_TOKEN_TTL_MS } from './entry-ttl.js';
export { ANNOUNCEMENT_TTL_MS, EncryptionKeyMismatchError } from './fleet-keys.js';
export type { RedisClient } from './redis-client.js';
export { RedisTokenStore } from './redis-token-store.js';
export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_PREFIX,
  type RedisTokenStoreOptions,
} from './store-options.js';
