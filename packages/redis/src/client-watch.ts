import type { RedisClient } from './redis-client.js';

/** What {@link watchClient} tracks for one ioredis client, shared by every store that uses it. */
interface Watch {
  /** Message of the client's last `'error'` since it was last ready. */
  lastError: string | undefined;
  readonly readyListeners: Set<() => void>;
  readonly onError: (error: unknown) => void;
  readonly onReady: () => void;
}

const watches = new WeakMap<RedisClient, Watch>();

/**
 * Subscribes to a client's `'error'` and `'ready'` events with one listener each, however many
 * stores share the client (so a shared client never hits Node's max-listeners warning). Returns
 * the last error (`undefined` once ready) and a function that unsubscribes `onReady`; the client's
 * listeners are removed with the last subscriber.
 */
export function watchClient(
  client: RedisClient,
  onReady: () => void,
): { lastError(): string | undefined; unwatch(): void } {
  let watch = watches.get(client);
  if (watch === undefined) {
    const created: Watch = {
      lastError: undefined,
      readyListeners: new Set(),
      onError: (error) => {
        created.lastError = error instanceof Error ? error.message : 'unknown error';
      },
      onReady: () => {
        created.lastError = undefined;
        for (const listener of created.readyListeners) listener();
      },
    };
    client.on('error', created.onError);
    client.on('ready', created.onReady);
    watches.set(client, created);
    watch = created;
  }
  const current = watch;
  // A distinct function per subscriber, so that two stores passing the same callback both count.
  const listener = () => onReady();
  current.readyListeners.add(listener);
  return {
    lastError: () => current.lastError,
    unwatch: () => {
      if (!current.readyListeners.delete(listener) || current.readyListeners.size > 0) return;
      client.off('error', current.onError);
      client.off('ready', current.onReady);
      watches.delete(client);
    },
  };
}
