/** What this instance last saw under a key: the entry's header, or `''` for no entry. */
export type SeenEntry = string;

/** `ARGV` value telling the lease script not to compare (the key was never read here). */
export const NOT_READ = '*';

/**
 * Remembers, per key, the entry header this instance last read or wrote, so that
 * `acquireLease` can refuse a lease when a peer stored a token in between (the caller then adopts
 * it instead of logging in again and, with single-active-token providers, revoking it).
 * Bounded: the least recently touched keys are forgotten (they are then leased without compare).
 */
export class LastRead {
  readonly #seen = new Map<string, SeenEntry>();
  readonly #max: number;

  constructor(maxKeys = 10_000) {
    this.#max = maxKeys;
  }

  /** Records what was read or written under `key` (`''` for no entry). */
  note(key: string, seen: SeenEntry): void {
    this.#seen.delete(key);
    this.#seen.set(key, seen);
    if (this.#seen.size > this.#max) this.#seen.delete(this.#seen.keys().next().value as string);
  }

  /** What was last noted for `key`, or {@link NOT_READ}. */
  get(key: string): SeenEntry {
    return this.#seen.get(key) ?? NOT_READ;
  }
}
