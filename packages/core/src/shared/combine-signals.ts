import { onAbort } from './abort-listeners.js';

/** The signal of one outbound call, and how to let go of its sources once the headers are in. */
export interface CombinedSignal {
  /** `undefined` when there is no source. */
  readonly signal: AbortSignal | undefined;
  /** Detaches from the sources. */
  release(): void;
}

const NOTHING_TO_RELEASE = () => {};

/**
 * One signal for a call from the caller's and the view's signals. With one source (the usual
 * case) it is that signal itself: on Node 20 every signal a `fetch` gets costs several µs, and
 * `AbortSignal.any()` much more, so none is made that is not needed.
 */
export function combineSignals(
  first: AbortSignal | null | undefined,
  second: AbortSignal | null | undefined,
): CombinedSignal {
  if (first == null || second == null) {
    return { signal: first ?? second ?? undefined, release: NOTHING_TO_RELEASE };
  }
  const controller = new AbortController();
  const unsubscribe: (() => void)[] = [];
  for (const source of [first, second]) {
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    unsubscribe.push(onAbort(source, () => controller.abort(source.reason)));
  }
  return {
    signal: controller.signal,
    release() {
      for (const stop of unsubscribe) stop();
    },
  };
}
