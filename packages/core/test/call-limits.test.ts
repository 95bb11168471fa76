import { describe, expect, it, vi } from 'vitest';
import { combineSignals } from '../src/shared/combine-signals.js';
import { withDeadline } from '../src/shared/deadline.js';

describe('withDeadline', () => {
  it('rejects with a TimeoutError and hands the late result to discard', async () => {
    vi.useFakeTimers();
    try {
      let finish!: (value: string) => void;
      const work = new Promise<string>((resolve) => {
        finish = resolve;
      });
      const discarded: string[] = [];
      const call = withDeadline(work, 1_000, (late) => discarded.push(late));
      const outcome = call.catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(((await outcome) as DOMException).name).toBe('TimeoutError');
      finish('late');
      await work;
      await Promise.resolve();
      expect(discarded).toEqual(['late']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('times out the calls of one duration in the order they started, with one timer', async () => {
    vi.useFakeTimers();
    try {
      const settle: ((value: number) => void)[] = [];
      const outcomes: string[] = [];
      for (const n of [0, 1, 2]) {
        const work = new Promise<number>((resolve) => settle.push(resolve));
        withDeadline(work, 1_000).then(
          (value) => outcomes.push(`${n} done ${value}`),
          (error: DOMException) => outcomes.push(`${n} ${error.name}`),
        );
        expect(vi.getTimerCount()).toBe(1);
        await vi.advanceTimersByTimeAsync(100);
      }
      (settle[1] as (value: number) => void)(7);
      await vi.advanceTimersByTimeAsync(700); // t = 1000: the first call's deadline
      expect(outcomes).toEqual(['1 done 7', '0 TimeoutError']);
      await vi.advanceTimersByTimeAsync(150); // t = 1150: the second one settled in time
      expect(outcomes).toEqual(['1 done 7', '0 TimeoutError']);
      await vi.advanceTimersByTimeAsync(50); // t = 1200
      expect(outcomes).toEqual(['1 done 7', '0 TimeoutError', '2 TimeoutError']);
      expect(vi.getTimerCount()).toBe(0);

      const quick = withDeadline(Promise.resolve('in time'), 1_000);
      await expect(quick).resolves.toBe('in time');
      expect(vi.getTimerCount()).toBe(0); // the last call that settles stops the timer
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes results and errors through in time, and values at once', async () => {
    await expect(withDeadline(Promise.resolve(1), 1_000)).resolves.toBe(1);
    await expect(withDeadline(Promise.reject(new Error('no')), 1_000)).rejects.toThrow('no');
    await expect(withDeadline(2, 1_000)).resolves.toBe(2);
    const work = Promise.resolve(3);
    expect(withDeadline(work, Number.POSITIVE_INFINITY)).toBe(work);
  });
});

describe('combineSignals', () => {
  it('uses the only source as is, and makes nothing without one', () => {
    const source = new AbortController().signal;
    expect(combineSignals(undefined, source).signal).toBe(source);
    expect(combineSignals(undefined, null).signal).toBeUndefined();
  });

  it('aborts with the first source that aborts, until released', () => {
    const a = new AbortController();
    const b = new AbortController();
    const call = combineSignals(a.signal, b.signal);
    b.abort(new Error('client left'));
    expect(((call.signal as AbortSignal).reason as Error).message).toBe('client left');

    const c = new AbortController();
    const released = combineSignals(c.signal, new AbortController().signal);
    released.release();
    c.abort();
    expect(released.signal?.aborted).toBe(false);
    expect(combineSignals(AbortSignal.abort('gone'), a.signal).signal?.reason).toBe('gone');
  });
});
