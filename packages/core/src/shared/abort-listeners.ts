/**
 * One `abort` listener per signal, however many callers wait on it. A request-bound view's signal
 * is shared by every call the request makes; adding a listener per call would pass Node's
 * `MaxListenersExceededWarning` threshold (10) as soon as 11 calls wait for one token.
 */
const callbacks = new WeakMap<AbortSignal, Set<() => void>>();

/** Runs `callback` once when `signal` aborts. Returns the function that unsubscribes it. */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let waiting = callbacks.get(signal);
  if (waiting === undefined) {
    const created = new Set<() => void>();
    waiting = created;
    callbacks.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        callbacks.delete(signal);
        for (const run of created) run();
      },
      { once: true },
    );
  }
  const set = waiting;
  set.add(callback);
  return () => {
    set.delete(callback);
  };
}
