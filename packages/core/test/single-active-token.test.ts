import { createAuthClients, presets } from '@auth/core';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from './support/fake-flow.js';

const LIFETIME_S = 100;
const TICK_MS = 10_000;
const CALLERS = 200;

describe('the single-active-token provider (/Token revokes earlier tokens)', () => {
  const clock = manualClock(Date.now());
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators({ now: clock.now, lifetimes: { aspnet: LIFETIME_S } });
  });
  afterAll(() => emulators.close());

  // 10,000 real calls: generous on a busy 2-core CI machine.
  it(`serves ${CALLERS} concurrent callers over 5 lifetimes with 0 failed calls`, {
    timeout: 90_000,
  }, async () => {
    const { origin, credentials } = emulators.aspnet;
    const clients = createAuthClients({
      aspnet: presets.aspnetToken({ baseUrl: `${origin}/`, ...credentials, now: clock.now }),
    });
    let calls = 0;
    let failed = 0;
    for (let t = 0; t < 5 * LIFETIME_S * 1000; t += TICK_MS) {
      const statuses = await Promise.all(
        Array.from({ length: CALLERS }, async () => {
          const res = await clients.aspnet.fetch('me');
          await res.arrayBuffer();
          return res.status;
        }),
      );
      calls += statuses.length;
      failed += statuses.filter((status) => status !== 200).length;
      clock.advance(TICK_MS);
    }
    await clients.close();
    expect(calls).toBe(5 * ((LIFETIME_S * 1000) / TICK_MS) * CALLERS);
    expect(failed).toBe(0);
    // One login per (lifetime − 10 s refresh window), plus the first.
    expect(emulators.aspnet.stats.tokenRequests).toBeLessThanOrEqual(Math.floor(500 / 90) + 1);
  });
});
