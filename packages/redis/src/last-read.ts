import type { StoredToken } from '@auth/core';

/** What this instance last saw under a key: the entry's header, or `''` for no entry. */
export type SeenEntry = string;

/** `ARGV` value telling the lease script not to compare (the key was never read here). */
export const NOT_READ = '*';

interface Seen {
  readonly header: SeenEntry;
  /** The token the entry held, when it was usable (decoded, with a TTL). */
  readonly token: StoredToken | undefined;
}

/**
 * Remembers, per key, the entry header this instance last read or wrote, so that
 * `acquireLease` can refuse a lease when a peer stored a token in between (the caller then adopts
 * it instead of logging in again and, with single-active-token providers, revoking it), and the
 * token that entry held when it was usable (so that reading it again needs no TTL check, and a
 * lease granted over it is also a read of it). Bounded: the least recently touched keys are
 * forgotten (they are then leased without compare).
 */
export class LastRead {
  readonly #seen = new Map<string, Seen>();
  readonly #max: number;

  constructor(maxKeys = 10_000) {
    this.#max = maxKeys;
  }

  /** Records what was read or written under `key` (`''` for no entry), with its usable token. */
  note(key: string, header: SeenEntry, token?: StoredToken): void {
    this.#seen.delete(key);
    this.#seen.set(key, { header, token });
    if (this.#seen.size > this.#max) this.#seen.delete(this.#seen.keys().next().value as string);
  }

  /** What was last noted for `key`, or {@link NOT_READ}. */
  get(key: string): SeenEntry {
    return this.#seen.get(key)?.header ?? NOT_READ;
  }

  /** The usable token last noted for `key`, when the entry's header was then `header`. */
  token(key: string, header: SeenEntry): StoredToken | undefined {
    const seen = this.#seen.get(key);
    return seen?.header === header ? seen.token : undefined;
  }
}
