import type { StoredToken } from './token.js';
import type { TokenStore } from './token-store.js';

/** Options of {@link MemoryTokenStore}. */
export interface MemoryTokenStoreOptions {
  /** Most entries kept; the least recently used one is dropped beyond it. Default `10_000`. */
  maxEntries?: number;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * The default {@link TokenStore}: a bounded, in-process map. Entries whose token expired (and
 * carry no refresh token) are dropped when read. No lease: single flight within one process is
 * the TokenManager's job.
 *
 * @example
 * const store = new MemoryTokenStore({ maxEntries: 1_000 });
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, StoredToken>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryTokenStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Number of entries currently held. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<StoredToken | undefined> {
    const token = this.#entries.get(key);
    if (token === undefined) return undefined;
    if (token.expiresAt <= this.#now() && token.refreshToken === undefined) {
      this.#entries.delete(key);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, token);
    return token;
  }

  async set(key: string, token: StoredToken): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, token);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  async deleteIf(key: string, accessToken: string): Promise<boolean> {
    if (this.#entries.get(key)?.accessToken !== accessToken) return false;
    return this.#entries.delete(key);
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
