import { generateKeyPairSync } from 'node:crypto';
import {
  type AuthEvent,
  createAuthClients,
  type FlowRequest,
  flows,
  MemoryTokenStore,
  presets,
} from '@auth/core';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SharedEntries } from '../src/engine/shared-entries.js';
import { startApi } from './support/api-server.js';
import { manualClock } from './support/fake-flow.js';

/**
 * One token per credential per process, against the `/Token` provider (every login revokes the
 * account's earlier tokens). Token requests are counted at the emulator. The clients share one
 * fake wall clock and one frozen monotonic clock (clients share only with equal clocks).
 */
const clock = manualClock(Date.now());
const monotonic = () => 0;
let emulators: Emulators;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  emulators = await startEmulators({ now: clock.now });
});
afterAll(() => emulators.close());
afterEach(async () => {
  await Promise.all(open.splice(0).map((clients) => clients.close()));
  emulators.aspnet.resetStats();
});

function aspnet(path = '') {
  const { origin, credentials } = emulators.aspnet;
  return presets.aspnetToken({
    baseUrl: `${origin}/`,
    apiBaseUrl: `${origin}/api/${path}`,
    ...credentials,
    now: clock.now,
    monotonic,
  });
}

function registry<const D extends Record<string, ReturnType<typeof aspnet>>>(
  definitions: D,
  options: Parameters<typeof createAuthClients>[1] = {},
) {
  const clients = createAuthClients(definitions, options);
  open.push(clients);
  return clients;
}

async function status(client: { fetch(url: string): Promise<Response> }): Promise<number> {
  const res = await client.fetch('me');
  await res.arrayBuffer();
  return res.status;
}

describe('two clients of one account on a single-active-token provider', () => {
  it('two clients of one registry alternating 100 calls: 1 token request, 100 × 200', async () => {
    const clients = registry({ a: aspnet(), b: aspnet() });
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push(await status(i % 2 ? clients.b : clients.a));
    expect(statuses).toEqual(Array(100).fill(200));
    expect(emulators.aspnet.stats.tokenRequests).toBe(1);
  });

  it('two registries alternating 100 calls: 1 token request, 100 × 200', async () => {
    const first = registry({ api: aspnet() });
    const second = registry({ api: aspnet() });
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push(await status(i % 2 ? second.api : first.api));
    expect(statuses).toEqual(Array(100).fill(200));
    expect(emulators.aspnet.stats.tokenRequests).toBe(1);
  });

  it('concurrent first calls of both share one token request', async () => {
    const first = registry({ api: aspnet() });
    const second = registry({ api: aspnet() });
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => status(i % 2 ? second.api : first.api)),
    );
    expect(statuses).toEqual(Array(50).fill(200));
    expect(emulators.aspnet.stats.tokenRequests).toBe(1);
  });

  it('reports each client under its own name: status rows, and events to the client that asked', async () => {
    const events: AuthEvent[] = [];
    const clients = registry({ a: aspnet(), b: aspnet() }, { onEvent: (e) => events.push(e) });
    await status(clients.a);
    await status(clients.b);
    expect(clients.status()).toEqual([
      expect.objectContaining({ client: 'a', state: 'valid' }),
      expect.objectContaining({ client: 'b', state: 'valid' }),
    ]);
    const requests = events.filter((e) => e.type === 'token.request');
    expect(requests).toEqual([expect.objectContaining({ client: 'a', reason: 'missing' })]);
  });

  it('shareTokens: false keeps the old behaviour: the clients knock each other out', async () => {
    const first = registry({ api: aspnet() }, { shareTokens: false });
    const second = registry({ api: aspnet() }, { shareTokens: false });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push(await status(i % 2 ? second.api : first.api));
    // Each login revokes the other client's token; a 401 renews it (it had worked), every call.
    expect(emulators.aspnet.stats.tokenRequests).toBeGreaterThanOrEqual(19);
  });

  it('a client given a store of its own never shares through the process', async () => {
    const first = registry({ api: aspnet() });
    const second = registry({ api: { ...aspnet(), store: new MemoryTokenStore() } });
    await status(first.api);
    await status(second.api);
    expect(emulators.aspnet.stats.tokenRequests).toBe(2);
  });

  it('a closed registry lets its tokens go: the next registry asks for a new one', async () => {
    const first = registry({ api: aspnet() });
    await status(first.api);
    await first.close();
    const second = registry({ api: aspnet() });
    await status(second.api);
    expect(emulators.aspnet.stats.tokenRequests).toBe(2);
  });

  it('a client of the same account with another password shares nothing', async () => {
    const good = registry({ api: aspnet() });
    const { origin, credentials } = emulators.aspnet;
    const wrong = registry({
      api: presets.aspnetToken({
        baseUrl: `${origin}/`,
        ...credentials,
        password: 'not-the-password',
        now: clock.now,
        monotonic,
      }),
    });
    expect(await status(good.api)).toBe(200);
    await expect(wrong.api.getToken()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT_REJECTED' });
    expect(await status(good.api)).toBe(200);
  });

  it('custom flows share only with themselves (their key may not name the account)', async () => {
    const { tokenUrl, credentials } = emulators.aspnet;
    let requests = 0;
    const custom = () => {
      const inner = flows.passwordGrant({ tokenUrl, ...credentials });
      return {
        id: 'custom',
        cacheKeyParts: [tokenUrl],
        defaultLifetimeSeconds: 60,
        requestToken: (request: FlowRequest) => {
          requests += 1;
          return inner.requestToken(request);
        },
      };
    };
    const baseUrl = emulators.aspnet.apiBaseUrl;
    const one = custom();
    const clients = registry({
      a: { baseUrl, flow: one, now: clock.now, monotonic },
      b: { baseUrl, flow: one, now: clock.now, monotonic },
      c: { baseUrl, flow: custom(), now: clock.now, monotonic },
    });
    await clients.a.getToken();
    await clients.b.getToken();
    expect(requests).toBe(1);
    await clients.c.getToken();
    expect(requests).toBe(2);
  });

  it('clients with other clocks share nothing', async () => {
    const first = registry({ api: aspnet() });
    const second = registry({ api: { ...aspnet(), monotonic: () => 0 } });
    await status(first.api);
    expect(await status(second.api)).toBe(200);
    expect(emulators.aspnet.stats.tokenRequests).toBe(2);
  });
});

describe('JWT bearer flows of one key', () => {
  let server: Awaited<ReturnType<typeof startApi>>;
  let issued = 0;
  beforeAll(async () => {
    server = await startApi((request, res) => {
      expect(new URLSearchParams(request.body).get('grant_type')).toBe(
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      );
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ access_token: `t${++issued}`, token_type: 'Bearer', expires_in: 3600 }),
      );
    });
  });
  afterAll(() => server.close());
  const pem = () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
  const tokenFrom = (assertion: Parameters<typeof flows.jwtBearer>[0]['assertion']) =>
    registry({
      api: {
        baseUrl: server.url,
        flow: flows.jwtBearer({ tokenUrl: `${server.origin}/token`, assertion, clientId: 'svc' }),
      },
    }).api.getToken();

  it('share one token across registries when built from the same key, not from another key', async () => {
    const key = pem();
    const before = server.requests.length;
    const [a, b] = await Promise.all([
      tokenFrom({ privateKey: key, issuer: 'svc' }),
      tokenFrom({ privateKey: key, issuer: 'svc' }),
    ]);
    expect(b.accessToken).toBe(a.accessToken);
    const other = await tokenFrom({ privateKey: pem(), issuer: 'svc' }); // same claims, other key
    expect(other.accessToken).not.toBe(a.accessToken);
    expect(server.requests.length - before).toBe(2);
  });

  it('with a function assertion, share only with flows given the same function', async () => {
    const sign = () => 'header.payload.signature';
    const before = server.requests.length;
    const [a, b] = await Promise.all([tokenFrom(sign), tokenFrom(sign)]);
    expect(b.accessToken).toBe(a.accessToken);
    const other = await tokenFrom(() => 'header.payload.signature');
    expect(other.accessToken).not.toBe(a.accessToken);
    expect(server.requests.length - before).toBe(2);
  });
});

describe('the process-wide table', () => {
  const entry = () => ({ holders: 0, inflight: undefined as unknown });

  it('keeps an entry while a manager holds it, and drops it with the last holder', () => {
    const table = new SharedEntries<ReturnType<typeof entry>>();
    const a = table.hold('k', entry);
    const b = table.hold('k', entry);
    expect(b).toBe(a);
    table.release('k', a);
    expect(table.hold('k', entry)).toBe(a);
    table.release('k', a);
    table.release('k', a);
    expect(table.size).toBe(0);
    expect(table.hold('k', entry)).not.toBe(a);
  });

  it('is bounded, and never drops an entry with a token request in flight', () => {
    const table = new SharedEntries<ReturnType<typeof entry>>(3);
    const busy = table.hold('busy', () => ({ holders: 0, inflight: Promise.resolve() }));
    for (let i = 0; i < 10; i++) table.hold(`k${i}`, entry);
    expect(table.size).toBe(3);
    expect(table.hold('busy', entry)).toBe(busy);
  });
});
