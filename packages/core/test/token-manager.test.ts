import { MemoryTokenStore, TokenEndpointError } from '@auth/core';
import { TokenManager, type TokenManagerOptions } from '@auth/core/adapter';
import { describe, expect, it, vi } from 'vitest';
import { deferred, fakeFlow, flush, manualClock } from './support/fake-flow.js';

function managerFor(
  flow: ReturnType<typeof fakeFlow>,
  overrides: Partial<TokenManagerOptions> = {},
) {
  const clock = manualClock();
  const manager = new TokenManager({
    flow,
    store: new MemoryTokenStore({ now: clock.now }),
    fetch: globalThis.fetch,
    now: clock.now,
    monotonic: clock.now,
    tokenTimeoutMs: 1_000,
    maxTokenResponseBytes: 65_536,
    leaseTtlMs: 1_000,
    maxCachedTenants: 100,
    random: () => 0.5,
    ...overrides,
  });
  return { manager, clock };
}

describe('TokenManager', () => {
  it('shares one token request among concurrent first callers', async () => {
    const flow = fakeFlow();
    const { manager } = managerFor(flow);
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => manager.getToken()));
    expect(flow.logins).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-1']));
  });

  it('measures expiry from when the request was sent, not when it answered', async () => {
    const flow = fakeFlow({ lifetime: 100 });
    const { manager, clock } = managerFor(flow);
    const gate = deferred();
    flow.gate = gate.promise;
    const sentAt = clock.time;
    const pending = manager.getToken();
    await vi.waitFor(() => expect(flow.requests).toHaveLength(1));
    clock.advance(5_000); // the answer takes 5 s to arrive
    gate.resolve();
    const token = await pending;
    expect(token.issuedAt).toBe(sentAt);
    expect(token.expiresAt).toBe(sentAt + 100_000);
  });

  it('uses the flow default lifetime when the response has none', async () => {
    const flow = fakeFlow();
    flow.lifetime = undefined;
    const { manager, clock } = managerFor(flow);
    const token = await manager.getToken();
    expect(token.expiresAt - clock.time).toBe(3_600_000);
  });

  it('refreshes early in the background and keeps serving the valid token meanwhile', async () => {
    const flow = fakeFlow({ lifetime: 100 }); // window = min(60 s, 10 s) = 10 s
    const { manager, clock } = managerFor(flow);
    const first = await manager.getToken();
    clock.advance(89_000);
    expect((await manager.getToken()).accessToken).toBe(first.accessToken);
    expect(flow.logins).toBe(1);

    const gate = deferred();
    flow.gate = gate.promise;
    clock.advance(1_000); // at the refresh point
    const during = await Promise.all(Array.from({ length: 50 }, () => manager.getToken()));
    expect(during.every((t) => t.accessToken === first.accessToken)).toBe(true);
    await flush();
    expect(flow.logins).toBe(2); // one background refresh, not 50
    gate.resolve();
    await flush();
    expect((await manager.getToken()).accessToken).toBe('token-2');
    expect(flow.logins).toBe(2);
  });

  it('does not hand out a token that would likely expire in flight while a refresh runs', async () => {
    const flow = fakeFlow({ lifetime: 100 }); // window 10 s
    const { manager, clock } = managerFor(flow);
    const first = await manager.getToken();
    manager.observeLatency(500); // calls have recently taken up to 500 ms
    const gate = deferred();
    flow.gate = gate.promise;
    clock.advance(99_000); // refresh point passed, 1 s left: still handed out
    expect((await manager.getToken()).accessToken).toBe(first.accessToken);
    clock.advance(600); // 400 ms left, less than a call takes: wait for the running refresh
    let waited = false;
    const pending = manager.getToken().then((t) => {
      waited = true;
      return t;
    });
    await flush();
    expect(waited).toBe(false);
    gate.resolve();
    expect((await pending).accessToken).toBe('token-2');
    expect(flow.logins).toBe(2);
  });

  it('still serves a valid token inside the latency margin when no refresh can run (backoff)', async () => {
    const flow = fakeFlow({ lifetime: 100 });
    const { manager, clock } = managerFor(flow, { backoff: { initialMs: 60_000 } });
    const first = await manager.getToken();
    manager.observeLatency(5_000);
    flow.failWith = new Error('endpoint down');
    clock.advance(91_000); // the background refresh fails
    expect((await manager.getToken()).accessToken).toBe(first.accessToken);
    await flush();
    clock.advance(5_000); // 4 s left, inside the 5 s margin, backing off: no refresh to wait for
    expect((await manager.getToken()).accessToken).toBe(first.accessToken);
  });

  it('lets the latency estimate decay slowly after a slow call', () => {
    const flow = fakeFlow();
    const { manager } = managerFor(flow);
    manager.observeLatency(1_000);
    for (let i = 0; i < 100; i++) manager.observeLatency(10);
    // 1 % of the gap per call: after 100 fast calls about 37 % of the peak remains.
    expect(manager.latencyMs).toBeGreaterThan(300);
    expect(manager.latencyMs).toBeLessThan(400);
  });

  it('uses a 60 s window for long-lived tokens', async () => {
    const flow = fakeFlow({ lifetime: 3600 });
    const { manager, clock } = managerFor(flow);
    await manager.getToken();
    clock.advance(3_539_000);
    await manager.getToken();
    expect(flow.logins).toBe(1);
    clock.advance(1_000);
    await manager.getToken();
    await flush();
    expect(flow.logins).toBe(2);
  });

  it('makes callers wait only when the token has expired', async () => {
    const flow = fakeFlow({ lifetime: 100 });
    const { manager, clock } = managerFor(flow);
    await manager.getToken();
    clock.advance(100_000);
    const gate = deferred();
    flow.gate = gate.promise;
    let settled = false;
    const pending = manager.getToken().then((t) => {
      settled = true;
      return t;
    });
    await flush();
    expect(settled).toBe(false);
    gate.resolve();
    expect((await pending).accessToken).toBe('token-2');
  });

  it('uses the refresh token first and falls back to one login when it is rejected', async () => {
    const flow = fakeFlow({ lifetime: 100, refresh: true });
    const { manager, clock } = managerFor(flow);
    await manager.getToken();
    clock.advance(100_000);
    expect((await manager.getToken()).accessToken).toBe('token-2');
    expect(flow).toMatchObject({ logins: 1, refreshes: 1 });

    flow.validRefreshTokens.clear(); // the server forgot every refresh token
    clock.advance(100_000);
    expect((await manager.getToken()).accessToken).toBe('token-3');
    expect(flow).toMatchObject({ logins: 2, refreshes: 2 });
  });

  it('backs off with jitter after a failure and keeps serving a still-valid token', async () => {
    const flow = fakeFlow({ lifetime: 100 });
    const { manager, clock } = managerFor(flow, { backoff: { initialMs: 1_000, maxMs: 8_000 } });
    const first = await manager.getToken();
    const outage = new TokenEndpointError('TOKEN_ENDPOINT_UNREACHABLE', 'down', { flow: 'fake' });
    flow.failWith = outage;
    clock.advance(90_000);
    expect((await manager.getToken()).accessToken).toBe(first.accessToken); // starts a refresh that fails
    await flush();
    expect(flow.logins).toBe(2);
    clock.advance(500); // within the 750 ms backoff (1 s, jitter 0.5)
    expect((await manager.getToken()).accessToken).toBe(first.accessToken);
    await flush();
    expect(flow.logins).toBe(2);
    clock.advance(300);
    await manager.getToken();
    await flush();
    expect(flow.logins).toBe(3);

    clock.advance(20_000); // expired; the next attempt fails, then callers get the error fast
    await expect(manager.getToken()).rejects.toBe(outage);
    const attempts = flow.logins;
    await expect(manager.getToken()).rejects.toBe(outage);
    expect(flow.logins).toBe(attempts);

    flow.failWith = undefined;
    clock.advance(8_000);
    expect((await manager.getToken()).accessToken).toBe('token-2');
  });

  it('lets an aborted caller stop waiting without cancelling the shared request', async () => {
    const flow = fakeFlow();
    const { manager } = managerFor(flow);
    const gate = deferred();
    flow.gate = gate.promise;
    const controller = new AbortController();
    const aborted = manager.getToken({ signal: controller.signal });
    const patient = manager.getToken();
    controller.abort(new Error('client went away'));
    await expect(aborted).rejects.toThrow('client went away');
    gate.resolve();
    expect((await patient).accessToken).toBe('token-1');
    expect(flow.logins).toBe(1);
    expect(flow.requests[0]?.signal.aborted).toBe(false);
  });

  it('invalidates only the token that is still current', async () => {
    const flow = fakeFlow();
    const { manager } = managerFor(flow);
    const first = await manager.getToken();
    expect(await manager.reject(first)).toBe('renewed');
    const second = await manager.getToken();
    expect(second.accessToken).toBe('token-2');
    expect(await manager.reject(first)).toBe('stale'); // a late 401 for the replaced token
    expect((await manager.getToken()).accessToken).toBe('token-2');
    expect(flow.logins).toBe(2);
  });

  it('keeps one entry per tenant for per-tenant flows, bounded', async () => {
    const created: string[] = [];
    const flows = new Map<string, ReturnType<typeof fakeFlow>>();
    const { manager } = managerFor(fakeFlow(), {
      maxCachedTenants: 3,
      flow: ({ tenant }) => {
        created.push(String(tenant));
        const flow = fakeFlow();
        flows.set(String(tenant), flow);
        return { ...flow, cacheKeyParts: [String(tenant)] };
      },
    });
    await manager.getToken({ tenant: 'a' });
    await manager.getToken({ tenant: 'a' });
    await manager.getToken({ tenant: 'b' });
    expect(created).toEqual(['a', 'b']);
    for (const tenant of ['c', 'd', 'e']) await manager.getToken({ tenant });
    await manager.getToken({ tenant: 'a' }); // evicted: a new entry, the token comes from the store
    expect(created).toEqual(['a', 'b', 'c', 'd', 'e', 'a']);
  });

  it('rejects a token whose absolute expiry has passed on arrival instead of caching it', async () => {
    const flow = fakeFlow();
    const { manager, clock } = managerFor({
      ...flow,
      requestToken: async () => ({ accessToken: 'late', expiresAt: clock.time - 1 }),
    });
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'TOKEN_RESPONSE_INVALID' });
  });

  it('uses a token announced with expires_in 0 for one second instead of failing', async () => {
    const flow = fakeFlow();
    flow.lifetime = 0;
    const { manager, clock } = managerFor(flow);
    const token = await manager.getToken();
    expect(token.expiresAt - clock.time).toBe(1_000);
    expect((await manager.getToken()).accessToken).toBe(token.accessToken);
    expect(flow.logins).toBe(1);
  });
});

describe('TokenManager with a leasing store', () => {
  /** A memory store with a process-local lease, standing in for a shared store. */
  function leasingStore(now: () => number) {
    const inner = new MemoryTokenStore({ now });
    let holder: symbol | undefined;
    return Object.assign(inner, {
      leasesGranted: 0,
      async acquireLease() {
        if (holder !== undefined) return undefined;
        const me = Symbol('lease');
        holder = me;
        this.leasesGranted += 1;
        return {
          release: async () => {
            if (holder === me) holder = undefined;
          },
        };
      },
      takeLease() {
        holder = Symbol('peer');
      },
      dropLease() {
        holder = undefined;
      },
    });
  }

  it('waits for the lease holder and adopts its token instead of requesting one', async () => {
    const flow = fakeFlow();
    const clock = manualClock();
    const store = leasingStore(clock.now);
    const { manager } = managerFor(flow, { store, now: clock.now });
    store.takeLease(); // another instance is logging in
    const waiting = manager.getToken();
    await new Promise((resolve) => setTimeout(resolve, 60));
    const peerToken = {
      accessToken: 'peer-token',
      tokenType: 'Bearer',
      issuedAt: clock.time,
      expiresAt: clock.time + 100_000,
    };
    await store.set(await cacheKeyOf(flow), peerToken);
    store.dropLease();
    expect((await waiting).accessToken).toBe('peer-token');
    expect(flow.logins).toBe(0);
  });

  it('takes over when the holder never stores a token (its lease expired)', async () => {
    const flow = fakeFlow();
    const clock = manualClock();
    const store = leasingStore(clock.now);
    const { manager } = managerFor(flow, { store, now: clock.now });
    store.takeLease();
    const waiting = manager.getToken();
    await new Promise((resolve) => setTimeout(resolve, 60));
    store.dropLease(); // the holder died; its lease expired
    expect((await waiting).accessToken).toBe('token-1');
    expect(flow.logins).toBe(1);
  });

  it('re-reads the store after winning the lease', async () => {
    const flow = fakeFlow();
    const clock = manualClock();
    const store = leasingStore(clock.now);
    const key = await cacheKeyOf(flow);
    const realGet = store.get.bind(store);
    let reads = 0;
    store.get = async (k: string) => {
      reads += 1;
      // A peer stores its token right after our first read, before we take the lease.
      if (reads === 2) {
        await store.set(key, {
          accessToken: 'peer-token',
          tokenType: 'Bearer',
          issuedAt: clock.time,
          expiresAt: clock.time + 100_000,
        });
      }
      return realGet(k);
    };
    const { manager } = managerFor(flow, { store, now: clock.now });
    expect((await manager.getToken()).accessToken).toBe('peer-token');
    expect(flow.logins).toBe(0);
  });
});

async function cacheKeyOf(flow: ReturnType<typeof fakeFlow>) {
  const { cacheKey } = await import('../src/engine/cache-key.js');
  return cacheKey(flow, undefined);
}
