/** A call waiting for its result or its deadline, linked in its {@link DeadlineQueue}. */
export interface Waiting {
  /** `performance.now()` at which the call times out. */
  readonly at: number;
  /** Called once with the `TimeoutError` when the deadline passes first. */
  readonly expire: (error: DOMException) => void;
  /** The deadline passed before the call finished. */
  timedOut: boolean;
  previous: Waiting | undefined;
  next: Waiting | undefined;
}

/**
 * Every call waiting under one timeout duration, oldest first. Calls of one duration time out in
 * the order they started, so one timer for the oldest call serves them all: a call adds and
 * removes a list node instead of creating and clearing a timer of its own (a native call and an
 * async resource each time). Under an infinite duration nothing is linked and nothing expires.
 */
export class DeadlineQueue {
  readonly #ms: number;
  #oldest: Waiting | undefined;
  #newest: Waiting | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  /** Starts a call's deadline: `expire` gets the `TimeoutError` if it passes first. */
  add(expire: (error: DOMException) => void): Waiting {
    const waiting: Waiting = {
      at: performance.now() + this.#ms,
      expire,
      timedOut: false,
      previous: this.#newest,
      next: undefined,
    };
    if (this.#ms === Number.POSITIVE_INFINITY) return waiting;
    if (this.#newest === undefined) this.#oldest = waiting;
    else this.#newest.next = waiting;
    this.#newest = waiting;
    if (this.#timer === undefined) this.#arm(waiting.at);
    return waiting;
  }

  /** A call's result arrived: `true` when in time (its deadline is dropped), `false` when late. */
  finish(waiting: Waiting): boolean {
    if (waiting.timedOut) return false;
    if (this.#ms !== Number.POSITIVE_INFINITY) this.#remove(waiting);
    return true;
  }

  /** Unlinks a call. The timer stops with the last call. */
  #remove(waiting: Waiting): void {
    const { previous, next } = waiting;
    if (previous === undefined) this.#oldest = next;
    else previous.next = next;
    if (next === undefined) this.#newest = previous;
    else next.previous = previous;
    waiting.previous = undefined;
    waiting.next = undefined;
    if (this.#oldest === undefined && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(at: number): void {
    this.#timer = setTimeout(this.#expire, Math.max(0, at - performance.now()));
  }

  /** Times out every call whose deadline has passed, then waits for the next oldest. */
  readonly #expire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    for (let oldest = this.#oldest; oldest !== undefined && oldest.at <= now; ) {
      this.#remove(oldest);
      oldest.timedOut = true;
      oldest.expire(timeoutError(this.#ms));
      oldest = this.#oldest;
    }
    if (this.#oldest !== undefined) this.#arm(this.#oldest.at);
  };
}

const queues = new Map<number, DeadlineQueue>();

/** The queue of every call waiting under `timeoutMs` (one per duration, for the process). */
export function deadlineQueue(timeoutMs: number): DeadlineQueue {
  let queue = queues.get(timeoutMs);
  if (queue === undefined) {
    queue = new DeadlineQueue(timeoutMs);
    queues.set(timeoutMs, queue);
  }
  return queue;
}

/** The error of a call that timed out: a `TimeoutError`, as `AbortSignal.timeout()` gives. */
function timeoutError(timeoutMs: number): DOMException {
  return new DOMException(`The call timed out after ${timeoutMs} ms`, 'TimeoutError');
}

/**
 * `work`, or a `TimeoutError` after `timeoutMs`, whichever comes first. The work is not
 * cancelled (that would need a signal per call, which costs about 20 % of a loopback call's CPU
 * on Node 20): it is abandoned, and `discard` receives its result if it arrives later.
 */
export function withDeadline<T>(
  work: T | Promise<T>,
  timeoutMs: number,
  discard: (late: T) => void = () => {},
): Promise<T> {
  if (!(work instanceof Promise)) return Promise.resolve(work);
  if (timeoutMs === Number.POSITIVE_INFINITY) return work;
  const deadlines = deadlineQueue(timeoutMs);
  return new Promise<T>((resolve, reject) => {
    const waiting = deadlines.add(reject);
    work.then(
      (value) => {
        if (deadlines.finish(waiting)) resolve(value);
        else discard(value);
      },
      (error: unknown) => {
        if (deadlines.finish(waiting)) reject(error);
      },
    );
  });
}
