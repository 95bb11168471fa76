import { describe, expect, it } from 'vitest';
import { waitFor } from '../src/index.js';

describe('waitFor', () => {
  it('resolves once the condition holds', async () => {
    let calls = 0;
    await waitFor(() => ++calls === 3);
    expect(calls).toBe(3);
  });

  it('asks only once when the condition already holds', async () => {
    let calls = 0;
    await waitFor(() => ++calls > 0);
    expect(calls).toBe(1);
  });

  it('rejects when the timeout passes first', async () => {
    const started = Date.now();
    await expect(waitFor(() => false, 50)).rejects.toThrow('condition not met within 50 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});
