import type { AuthEvent, AuthEventListener } from './events.js';

/**
 * The listeners of one client: its own `onEvent` plus the registry's. Emitters check
 * {@link EventHub.listening} before they build an event, so nobody listening costs nothing.
 */
export class EventHub {
  #listeners: readonly AuthEventListener[] = [];

  /** `true` when at least one listener is subscribed. */
  get listening(): boolean {
    return this.#listeners.length > 0;
  }

  /** Adds `listener`; returns the function that removes it. */
  subscribe(listener: AuthEventListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Calls every listener; one that throws never breaks the call that emitted the event. */
  emit(event: AuthEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // Isolated by contract: a broken listener must not fail a token request or an API call.
      }
    }
  }
}
