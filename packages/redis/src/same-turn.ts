/**
 * Answers Redis gave for a key that stay valid until the end of the current turn of the event
 * loop: what one command proved about a key answers the store's next operation on it in the same
 * turn (the manager's read right after a lease, its lease right after a read) as if that operation
 * had run at the same moment, without a command of its own.
 */
export class SameTurn<T> {
  readonly #answers = new Map<string, { value: T }>();

  /** Keeps `value` for `key` until {@link take} or the end of this turn of the event loop. */
  note(key: string, value: T): void {
    const answer = { value };
    this.#answers.set(key, answer);
    setImmediate(() => {
      if (this.#answers.get(key) === answer) this.#answers.delete(key);
    });
  }

  /** The value noted for `key` in this turn, once; `undefined` when there is none. */
  take(key: string): { value: T } | undefined {
    const answer = this.#answers.get(key);
    this.#answers.delete(key);
    return answer;
  }
}
