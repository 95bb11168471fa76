import { createAuthClients, MemoryTokenStore, type TokenFlow } from '@auth/core';
import { TokenManager } from '@auth/core/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from './support/api-server.js';
import { deferred, fakeFlow, flush, manualClock } from './support/fake-flow.js';

const HOUR = 3_600_000;

/** A manager with separate wall and monotonic clocks, so that each can be stepped alone. */
function managerFor(flow: TokenFlow, maxCachedTenants = 100) {
  const wall = manualClock();
  const monotonic = manualClock(0);
  const manager = new TokenManager({
    flow,
    store: new MemoryTokenStore({ now: wall.now, maxEntries: maxCachedTenants }),
    fetch: globalThis.fetch,
    now: wall.now,
    monotonic: monotonic.now,
    tokenTimeoutMs: 1_000,
    maxTokenResponseBytes: 65_536,
    leaseTtlMs: 1_000,
    maxCachedTenants,
    random: () => 0.5,
  });
  /** Time passes: both clocks move. */
  const advance = (ms: number) => {
    wall.advance(ms);
    monotonic.advance(ms);
  };
  return { manager, wall, advance };
}

describe('a wall clock step never freezes recovery', () => {
  for (const step of [-HOUR, HOUR]) {
    const direction = step < 0 ? 'back' : 'forward';

    it(`backing off, clock stepped ${direction} an hour: the next attempt comes after the normal backoff`, async () => {
      const flow = fakeFlow({ lifetime: 100 });
      const { manager, wall, advance } = managerFor(flow);
      flow.failWith = new Error('endpoint down');
      await expect(manager.getToken()).rejects.toThrow('endpoint down');
      flow.failWith = undefined;
      wall.advance(step);
      await expect(manager.getToken()).rejects.toThrow('endpoint down'); // still backing off
      advance(1_000); // the first backoff delay (jitter 0.5 → 750 ms)
      expect((await manager.getToken()).accessToken).toBe('token-1');
    });

    it(`valid token, clock stepped ${direction} an hour: a fresh token within one 401 or one request`, async () => {
      const flow = fakeFlow({ lifetime: 100 });
      const { manager, wall } = managerFor(flow);
      const first = await manager.getToken();
      wall.advance(step);
      const current = await manager.getToken();
      if (current.accessToken === first.accessToken) {
        // Stepped back: the token still looks valid; the API's 401 renews it at once.
        expect(await manager.reject(current)).toBe('renewed');
      }
      const fresh = await manager.getToken();
      expect(fresh.accessToken).toBe('token-2');
      expect(fresh.expiresAt).toBe(wall.time + 100_000);
      expect(flow.logins).toBe(2);
    });
  }
});

describe('bounded tenants', () => {
  it('keeps single flight for 20,000 tenants cycling through maxCachedTenants: 100', async () => {
    const requests = new Map<string, number>();
    const gate = deferred();
    const flowOf = ({ tenant }: { tenant: string | undefined }): TokenFlow => ({
      id: 'tenant-flow',
      cacheKeyParts: [String(tenant)],
      defaultLifetimeSeconds: 3600,
      async requestToken() {
        requests.set(String(tenant), (requests.get(String(tenant)) ?? 0) + 1);
        await gate.promise;
        return { accessToken: `token-${tenant}`, expiresIn: 3600 };
      },
    });
    const { manager } = managerFor(flowOf as unknown as TokenFlow, 100);
    const tenants = Array.from({ length: 20_000 }, (_, i) => `t${i}`);
    const pending = [0, 1].flatMap(() => tenants.map((tenant) => manager.getToken({ tenant })));
    await flush();
    gate.resolve();
    const tokens = await Promise.all(pending);
    expect(tokens.every((t, i) => t.accessToken === `token-${tenants[i % 20_000]}`)).toBe(true);
    expect(requests.size).toBe(20_000);
    expect([...requests.values()].every((count) => count === 1)).toBe(true);
    await manager.getToken({ tenant: 'one-more' }); // settled entries are evicted again
    expect(manager.status().length).toBeLessThanOrEqual(100);
  });
});

describe('many calls waiting on one token', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('adds one abort listener per signal, however many calls wait (no MaxListenersExceededWarning)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const gate = deferred();
      const flow: TokenFlow = {
        id: 'gated',
        cacheKeyParts: [],
        defaultLifetimeSeconds: 3600,
        async requestToken() {
          await gate.promise;
          return { accessToken: 'gated-token', expiresIn: 3600 };
        },
      };
      const clients = createAuthClients({ api: { baseUrl: api.url, flow } });
      const request = new AbortController();
      const view = clients.api.withContext({ signal: request.signal });
      const own = Array.from({ length: 20 }, () => new AbortController());
      const calls = [
        ...Array.from({ length: 20 }, () => view.fetch('a')),
        ...own.map((c) => view.fetch('b', { signal: c.signal })),
      ];
      await flush();
      gate.resolve();
      const responses = await Promise.all(calls);
      expect(responses.every((r) => r.status === 200)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.name)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
