import { describe, expect, it, vi } from 'vitest';
import { callSignal } from '../src/call-signal.js';

describe('callSignal', () => {
  it('aborts with a TimeoutError after the timeout', () => {
    vi.useFakeTimers();
    try {
      const { signal } = callSignal(1_000, []);
      vi.advanceTimersByTime(999);
      expect(signal?.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(((signal as AbortSignal).reason as DOMException).name).toBe('TimeoutError');
    } finally {
      vi.useRealTimers();
    }
  });

  it('aborts with the reason of the first source that aborts, or at once if one already did', () => {
    const source = new AbortController();
    const call = callSignal(60_000, [undefined, source.signal]);
    source.abort(new Error('client left'));
    expect(((call.signal as AbortSignal).reason as Error).message).toBe('client left');
    call.release();
    expect(callSignal(60_000, [AbortSignal.abort('gone')]).signal?.reason).toBe('gone');
  });

  it('makes no controller without a timeout and with at most one source', () => {
    const source = new AbortController().signal;
    expect(callSignal(Number.POSITIVE_INFINITY, []).signal).toBeUndefined();
    expect(callSignal(Number.POSITIVE_INFINITY, [undefined, source]).signal).toBe(source);
  });

  it('detaches from its sources and stops the timer once released', () => {
    vi.useFakeTimers();
    try {
      const source = new AbortController();
      const call = callSignal(1_000, [source.signal]);
      call.release();
      source.abort();
      vi.advanceTimersByTime(5_000);
      expect(call.signal?.aborted).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
