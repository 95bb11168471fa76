/** The signal of one outbound call, and how to let go of it once the response headers are in. */
export interface CallSignal {
  /** `undefined` when nothing can abort the call (no timeout, no source). */
  readonly signal: AbortSignal | undefined;
  /** Stops the timer and detaches from the sources. Call when the response headers arrived. */
  release(): void;
}

const NOTHING_TO_RELEASE = () => {};

/**
 * A signal that aborts after `timeoutMs` (a `TimeoutError`) or when any source aborts (with its
 * reason), until released. One AbortController and one timer: `AbortSignal.timeout()` plus
 * `AbortSignal.any()` cost several times more per call on Node 20. With `timeoutMs: Infinity`
 * and at most one source, no controller is made at all.
 */
export function callSignal(
  timeoutMs: number,
  sources: readonly (AbortSignal | null | undefined)[],
): CallSignal {
  const present = sources.filter((source): source is AbortSignal => source != null);
  if (timeoutMs === Number.POSITIVE_INFINITY && present.length <= 1) {
    return { signal: present[0], release: NOTHING_TO_RELEASE };
  }
  const controller = new AbortController();
  const timer =
    timeoutMs === Number.POSITIVE_INFINITY
      ? undefined
      : setTimeout(() => {
          controller.abort(
            new DOMException(`The call timed out after ${timeoutMs} ms`, 'TimeoutError'),
          );
        }, timeoutMs);
  const linked: [AbortSignal, () => void][] = [];
  for (const source of present) {
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = () => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    linked.push([source, onAbort]);
  }
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      for (const [source, onAbort] of linked) source.removeEventListener('abort', onAbort);
    },
  };
}
