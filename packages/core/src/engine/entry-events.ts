import type { EventHub } from '../observability/event-hub.js';
import type { AuthEvent } from '../observability/events.js';
import { type Entry, errorCode } from './token-entries.js';

/** An event as the manager's parts describe it: the fields every event carries are added. */
export type EntryEvent = DistributiveOmit<AuthEvent, 'client' | 'flow' | 'time'>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The events of one manager's entries, and its store calls reported as `store.failure`. */
export class EntryEvents {
  readonly #hub: EventHub;
  readonly #client: string;
  readonly #now: () => number;

  constructor(hub: EventHub, client: string, now: () => number) {
    this.#hub = hub;
    this.#client = client;
    this.#now = now;
  }

  /** Whether anyone listens: building an event is skipped otherwise. */
  get listening(): boolean {
    return this.#hub.listening;
  }

  /** Adds the fields every event carries. Call only when someone listens. */
  emit(entry: Entry, event: EntryEvent): void {
    this.#hub.emit({
      ...event,
      client: this.#client,
      ...(entry.tenant === undefined ? {} : { tenant: entry.tenant }),
      flow: entry.flow.id,
      time: this.#now(),
    } as AuthEvent);
  }

  /** A store operation; its failure is reported as an event, then thrown as it was. */
  async storeCall<T>(entry: Entry, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.storeFailure(entry, error, { fallback: false });
      throw error;
    }
  }

  /** Reports a failed store operation; `fallback`: the manager carried on without it. */
  storeFailure(entry: Entry, error: unknown, { fallback }: { fallback: boolean }): void {
    if (!this.#hub.listening) return;
    this.emit(entry, {
      type: 'store.failure',
      code: errorCode(error) ?? 'TOKEN_STORE_UNAVAILABLE',
      fallback,
    });
  }
}
