import type { StoredToken } from './token.js';

/**
 * Where cached tokens live. The default {@link MemoryTokenStore} keeps them in this process; a
 * shared store (such as `@auth/redis`) lets a fleet of instances use one token.
 *
 * Keys are opaque hashes that never contain a secret.
 */
export interface TokenStore {
  /** The token stored under `key`, or `undefined`. Expired entries may be returned; callers check. */
  get(key: string): Promise<StoredToken | undefined>;
  /** Store `token` under `key` until its `expiresAt` (or later, if it has a refresh token). */
  set(key: string, token: StoredToken): Promise<void>;
  /** Delete the entry only if its access token equals `accessToken` (compare-and-delete). */
  deleteIf(key: string, accessToken: string): Promise<boolean>;
  /**
   * Fleet-wide single flight. Returns a lease when this caller may request a token for `key`,
   * `undefined` when another holder has it. Stores without it are process-local.
   */
  acquireLease?(key: string, ttlMs: number): Promise<TokenLease | undefined>;
  /**
   * Optional reporting hook of shared stores: subscribes `listener` to entries the store could not
   * read (written with another key, garbage, no expiry). `get` resolves `undefined` for such an
   * entry, so the lease winner overwrites it; `reason` is short and secret-free (e.g.
   * `unknown-encryption-key`, `not-a-token`, `no-ttl`). Returns the function that unsubscribes.
   */
  onUnreadable?(listener: (key: string, reason: string) => void): () => void;
  /** Release connections or timers. */
  close?(): Promise<void>;
}

/** Permission to request a token for a key, until released or until its TTL passes. */
export interface TokenLease {
  /** Release the lease if this holder still has it (fenced: never releases another holder's). */
  release(): Promise<void>;
}
