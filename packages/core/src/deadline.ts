/** A call waiting for its result or its deadline, linked in its {@link DeadlineQueue}. */
interface Waiting {
  /** `performance.now()` at which the call times out. */
  readonly at: number;
  readonly expire: () => void;
  previous: Waiting | undefined;
  next: Waiting | undefined;
}

/**
 * Every call waiting under one timeout duration, oldest first. Calls of one duration time out in
 * the order they started, so one timer for the oldest call serves them all: a call adds and
 * removes a list node instead of creating and clearing a timer of its own (a native call and an
 * async resource each time).
 */
export class DeadlineQueue {
  readonly #ms: number;
  #oldest: Waiting | undefined;
  #newest: Waiting | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  add(expire: () => void): Waiting {
    const waiting: Waiting = {
      at: performance.now() + this.#ms,
      expire,
      previous: this.#newest,
      next: undefined,
    };
    if (this.#newest === undefined) this.#oldest = waiting;
    else this.#newest.next = waiting;
    this.#newest = waiting;
    if (this.#timer === undefined) this.#arm(waiting.at);
    return waiting;
  }

  /** Forgets a call that settled in time. The timer stops with the last call. */
  remove(waiting: Waiting): void {
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
      this.remove(oldest);
      oldest.expire();
      oldest = this.#oldest;
    }
    if (this.#oldest !== undefined) this.#arm(this.#oldest.at);
  };
}

const queues = new Map<number, DeadlineQueue>();

/** The queue of every call waiting under `timeoutMs`; `undefined` when calls never time out. */
export function deadlineQueue(timeoutMs: number): DeadlineQueue | undefined {
  if (timeoutMs === Number.POSITIVE_INFINITY) return undefined;
  let queue = queues.get(timeoutMs);
  if (queue === undefined) {
    queue = new DeadlineQueue(timeoutMs);
    queues.set(timeoutMs, queue);
  }
  return queue;
}

/** The error of a call that timed out: a `TimeoutError`, as `AbortSignal.timeout()` gives. */
export function timeoutError(timeoutMs: number): DOMException {
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
  const deadlines = deadlineQueue(timeoutMs);
  if (deadlines === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const waiting = deadlines.add(() => {
      timedOut = true;
      reject(timeoutError(timeoutMs));
    });
    work.then(
      (value) => {
        if (timedOut) discard(value);
        else {
          deadlines.remove(waiting);
          resolve(value);
        }
      },
      (error: unknown) => {
        if (!timedOut) deadlines.remove(waiting);
        reject(error);
      },
    );
  });
}
