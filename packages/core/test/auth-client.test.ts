import { Readable } from 'node:stream';
import { createAuthClients, flows, type TokenFlow } from '@auth/core';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RecordedRequest, startApi } from './support/api-server.js';
import { manualClock } from './support/fake-flow.js';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());
afterEach(() => {
  emulators.alertsite.resetStats();
  emulators.alertsite.fault(null);
});

/** The AlertSite emulator's JSON login: real HTTP, token requests counted at the emulator. */
function alertsiteFlow(lifetimeSeconds = 3600) {
  const { tokenUrl, credentials } = emulators.alertsite;
  return flows.jsonCredentials({ tokenUrl, ...credentials, lifetimeSeconds });
}

describe('AuthClient against the AlertSite emulator', () => {
  // Generous limits: 1,000 sockets at once on a busy 2-core CI machine can take a while.
  it('makes exactly one token request for 1,000 concurrent first calls', {
    timeout: 60_000,
  }, async () => {
    const clients = createAuthClients({
      alertsite: {
        baseUrl: emulators.alertsite.apiBaseUrl,
        flow: alertsiteFlow(),
        tokenTimeoutMs: 30_000,
        timeoutMs: 50_000,
      },
    });
    const responses = await Promise.all(
      Array.from({ length: 1000 }, () => clients.alertsite.fetch('devices')),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(1000).fill(200));
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
    expect(emulators.alertsite.stats.unauthorized).toBe(0);
  });

  it('serves steady load across 5 lifetimes with no failure, no 401 and no caller waiting on a refresh', async () => {
    const clock = manualClock(Date.now());
    await emulators.close();
    emulators = await startEmulators({ now: clock.now, lifetimes: { alertsite: 100 } });
    const inner = alertsiteFlow(100);
    // Hold every token request after the first until the callers of that instant have finished:
    // if any caller waited on a refresh, its instant would never finish.
    const held: (() => void)[] = [];
    let issued = 0;
    const flow: TokenFlow = {
      id: inner.id,
      cacheKeyParts: inner.cacheKeyParts,
      defaultLifetimeSeconds: inner.defaultLifetimeSeconds,
      async requestToken(request) {
        if (issued++ > 0) await new Promise<void>((resolve) => held.push(resolve));
        return inner.requestToken(request);
      },
    };
    const clients = createAuthClients({
      alertsite: { baseUrl: emulators.alertsite.apiBaseUrl, flow, now: clock.now },
    });
    let failed = 0;
    const lifetimes = 5;
    for (let t = 0; t < lifetimes * 100; t += 2) {
      const statuses = await withTimeout(
        Promise.all(
          Array.from({ length: 10 }, () =>
            clients.alertsite.fetch('devices').then((r) => r.status),
          ),
        ),
        5_000,
      );
      failed += statuses.filter((s) => s !== 200).length;
      for (const release of held.splice(0)) release();
      await new Promise((resolve) => setTimeout(resolve, 5)); // let the released refresh land
      clock.advance(2_000);
    }
    // window = min(60 s, 10 % of 100 s) = 10 s, so one token per 90 s at most, plus the first
    const bound = Math.floor((lifetimes * 100) / 90) + 1;
    expect(failed).toBe(0);
    expect(emulators.alertsite.stats.unauthorized).toBe(0);
    expect(emulators.alertsite.stats.tokenRequests).toBeLessThanOrEqual(bound);
    expect(emulators.alertsite.stats.tokenRequests).toBeGreaterThanOrEqual(lifetimes);
  });
});

describe('AuthClient 401 handling', () => {
  const valid = new Set<string>();
  const held: (() => void)[] = [];
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi((request, res) => {
      const answer = () => {
        const token = request.authorization?.replace(/^Bearer /, '') ?? '';
        res.statusCode = valid.has(token) && request.path !== '/always-401' ? 200 : 401;
        res.end(JSON.stringify({ path: request.path, body: request.body }));
      };
      if (request.path === '/held') held.push(answer);
      else answer();
    });
  });
  afterAll(() => api.close());
  afterEach(() => {
    api.requests.length = 0;
    valid.clear();
  });

  /** A client whose API accepts every token the emulator issued, until a test revokes it. */
  function client(options: { timeoutMs?: number } = {}) {
    const inner = alertsiteFlow();
    const flow: TokenFlow = {
      id: inner.id,
      cacheKeyParts: inner.cacheKeyParts,
      defaultLifetimeSeconds: inner.defaultLifetimeSeconds,
      async requestToken(request) {
        const response = await inner.requestToken(request);
        valid.add(response.accessToken);
        return response;
      },
    };
    return createAuthClients({ api: { baseUrl: api.url, flow, ...options } }).api;
  }

  it('retries a JSON body once with a new token after a 401', async () => {
    const apiClient = client();
    valid.delete((await apiClient.getToken()).accessToken);
    const res = await apiClient.fetch('items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/items', body: '{"name":"x"}' });
    expect(api.requests.map((r) => r.body)).toEqual(['{"name":"x"}', '{"name":"x"}']);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
  });

  it('returns the 401 of a stream body without retrying, and still renews the token', async () => {
    const apiClient = client();
    const first = await apiClient.getToken();
    valid.delete(first.accessToken);
    const body = Readable.toWeb(Readable.from(['streamed'])) as ReadableStream;
    const res = await apiClient.fetch('upload', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(401);
    expect(api.requests).toHaveLength(1);
    expect((await apiClient.getToken()).accessToken).not.toBe(first.accessToken);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
  });

  it('returns a second 401 instead of looping', async () => {
    const apiClient = client();
    const res = await apiClient.fetch('always-401');
    expect(res.status).toBe(401);
    expect(api.requests).toHaveLength(2);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
  });

  it('times out a call whose headers do not arrive in timeoutMs, and discards the late answer', async () => {
    const slow = client({ timeoutMs: 150 });
    const error = await slow.fetch('held').catch((e: unknown) => e);
    expect((error as DOMException).name).toBe('TimeoutError');
    expect(held).toHaveLength(1);
    for (const answer of held.splice(0)) answer(); // the late 200 is read and dropped
    await vi.waitFor(() => expect(api.requests).toHaveLength(1));
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
  });

  it('makes no token request for a 401 on a token that was already replaced', async () => {
    const apiClient = client();
    const old = await apiClient.getToken();
    const late = apiClient.fetch('held'); // in flight with the old token
    await vi.waitFor(() => expect(held).toHaveLength(1));
    valid.delete(old.accessToken);
    expect((await apiClient.fetch('items')).status).toBe(200); // 401, new token, retried
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
    for (const answer of held.splice(0)) answer(); // the old token's 401 arrives late
    await vi.waitFor(() => expect(held).toHaveLength(1)); // retried with the current token
    for (const answer of held.splice(0)) answer();
    expect((await late).status).toBe(200);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
  });
});

describe('AuthClient origins and redirects', () => {
  let home: Awaited<ReturnType<typeof startApi>>;
  let foreign: Awaited<ReturnType<typeof startApi>>;
  let partner: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    foreign = await startApi();
    partner = await startApi();
    home = await startApi((request, res) => {
      const target = new URL(request.path, 'http://x').searchParams.get('to');
      if (target) {
        res.statusCode = request.path.startsWith('/see-other') ? 303 : 307;
        res.setHeader('location', target);
      }
      res.end('{}');
    });
  });
  afterAll(() => Promise.all([home.close(), foreign.close(), partner.close()]));

  function client() {
    return createAuthClients({
      home: { baseUrl: home.url, flow: alertsiteFlow(), allowedOrigins: [partner.origin] },
    }).home;
  }
  const carries = (requests: RecordedRequest[]) =>
    requests.map((r) => r.authorization !== undefined);

  it('sends the token to its own origin and listed origins only', async () => {
    const home$ = client();
    await home$.fetch('a');
    await home$.fetch(`${foreign.origin}/b`);
    await home$.fetch(new URL('/c', partner.origin));
    await home$.fetch(new Request(`${foreign.origin}/d`, { headers: { authorization: 'mine' } }));
    expect(carries(home.requests)).toEqual([true]);
    expect(foreign.requests.map((r) => r.authorization)).toEqual([undefined, undefined]);
    expect(carries(partner.requests)).toEqual([true]);
  });

  it('never carries the token across a redirect to another origin', async () => {
    const home$ = client();
    const res = await home$.fetch(
      `redirect?to=${encodeURIComponent(`${foreign.origin}/landing`)}`,
      {
        method: 'PUT',
        body: 'payload',
      },
    );
    expect(res.status).toBe(200);
    const landing = foreign.requests.at(-1);
    expect(landing).toMatchObject({ path: '/landing', method: 'PUT', body: 'payload' });
    expect(landing?.authorization).toBeUndefined();
  });

  it('keeps the token on a same-origin redirect and follows 303 with GET', async () => {
    const home$ = client();
    home.requests.length = 0;
    await home$.fetch(`see-other?to=${encodeURIComponent('/final')}`, {
      method: 'POST',
      body: 'x',
    });
    expect(home.requests.map((r) => [r.method, r.path, r.authorization !== undefined])).toEqual([
      ['POST', `/see-other?to=${encodeURIComponent('/final')}`, true],
      ['GET', '/final', true],
    ]);
  });

  it('resolves relative URLs against the base path and honours header and scheme options', async () => {
    const clients = createAuthClients({
      custom: {
        baseUrl: `${home.url}api/v3`,
        flow: alertsiteFlow(),
        header: 'X-Api-Token',
        scheme: '',
      },
    });
    home.requests.length = 0;
    await clients.custom.fetch('devices?id=1');
    expect(home.requests[0]?.path).toBe('/api/v3/devices?id=1');
    expect(home.requests[0]?.headers['x-api-token']).toMatch(/^[0-9a-f]{32}$/);
    expect(home.requests[0]?.authorization).toBeUndefined();
  });
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`a caller waited more than ${ms} ms`)), ms),
    ),
  ]);
}
