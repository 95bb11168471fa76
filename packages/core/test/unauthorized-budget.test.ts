import { type AuthEvent, createAuthClients, flows, TokenStoreError } from '@auth/core';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from './support/api-server.js';

/**
 * The 401 budget of DESIGN §8 over real HTTP: token requests are counted at the AlertSite
 * emulator, the API is a loopback server that answers what each test asks for.
 */
let emulators: Emulators;
let api: Awaited<ReturnType<typeof startApi>>;
let answer: { status: number; challenge?: string } = { status: 401 };
const issued = new Set<string>();
let acceptIssued = false;

beforeAll(async () => {
  emulators = await startEmulators();
  api = await startApi((request, res) => {
    const token = request.authorization?.replace(/^Bearer /, '') ?? '';
    const accepted = acceptIssued && issued.has(token);
    res.statusCode = accepted ? 200 : answer.status;
    if (!accepted && answer.challenge) res.setHeader('www-authenticate', answer.challenge);
    res.end('{}');
  });
});
afterAll(async () => {
  await api.close();
  await emulators.close();
});
afterEach(() => {
  emulators.alertsite.resetStats();
  api.requests.length = 0;
  answer = { status: 401 };
  acceptIssued = false;
  issued.clear();
});

/** Monotonic time of the clients, moved by the tests (the machine's speed must not matter). */
let elapsed = 0;

function client(onEvent?: (event: AuthEvent) => void) {
  elapsed = 0;
  const { tokenUrl, credentials } = emulators.alertsite;
  const inner = flows.jsonCredentials({ tokenUrl, ...credentials });
  return createAuthClients(
    {
      api: {
        baseUrl: api.url,
        monotonic: () => elapsed,
        flow: {
          ...inner,
          async requestToken(request) {
            const response = await inner.requestToken(request);
            issued.add(response.accessToken);
            return response;
          },
        },
      },
    },
    onEvent ? { onEvent } : {},
  );
}

const tokenRequests = () => emulators.alertsite.stats.tokenRequests;

describe('an API that answers 401 to every token', () => {
  it('costs at most 3 token requests for 50 sequential calls', async () => {
    const clients = client();
    for (let i = 0; i < 50; i++) {
      expect((await clients.api.fetch('items')).status).toBe(401);
    }
    expect(tokenRequests()).toBeLessThanOrEqual(3);
    expect(tokenRequests()).toBeGreaterThanOrEqual(2); // the first 401 did renew
  });

  it('costs at most 3 token requests for 1,000 concurrent calls', {
    timeout: 120_000,
  }, async () => {
    const clients = client();
    const responses = await Promise.all(
      Array.from({ length: 1000 }, () => clients.api.fetch('items')),
    );
    expect(responses.every((r) => r.status === 401)).toBe(true);
    expect(tokenRequests()).toBeLessThanOrEqual(3);
  });

  it('renews once per interval, the interval doubling (1 s, 2 s, 4 s)', async () => {
    const clients = client();
    const at = async (ms: number) => {
      elapsed = ms;
      await clients.api.fetch('items');
      return tokenRequests();
    };
    expect(await at(0)).toBe(2); // first token, renewed once
    expect(await at(999)).toBe(2);
    expect(await at(1_000)).toBe(3); // 1 s after the renewed token arrived
    expect(await at(2_999)).toBe(3);
    expect(await at(3_000)).toBe(4); // 2 s later
    expect(await at(6_999)).toBe(4);
    expect(await at(7_000)).toBe(5); // 4 s later
  });

  it('reports each 401 as an event: renewed once, then limited', async () => {
    const events: AuthEvent[] = [];
    const clients = client((event) => events.push(event));
    for (let i = 0; i < 5; i++) await clients.api.fetch('items');
    const actions = events.flatMap((e) => (e.type === 'api.unauthorized' ? [e.action] : []));
    expect(actions[0]).toBe('renewed');
    expect(actions.slice(1).every((a) => a === 'limited')).toBe(true);
    const reasons = events.flatMap((e) => (e.type === 'token.request' ? [e.reason] : []));
    expect(reasons).toEqual(['missing', 'rejected']);
  });
});

describe('401s that are not about the token', () => {
  it('makes no token request for insufficient_scope, and does not retry', async () => {
    answer = { status: 401, challenge: 'Bearer realm="api", error="insufficient_scope"' };
    const clients = client();
    for (let i = 0; i < 10; i++) expect((await clients.api.fetch('items')).status).toBe(401);
    expect(tokenRequests()).toBe(1);
    expect(api.requests).toHaveLength(10);
  });

  it('makes no token request for a 403', async () => {
    answer = { status: 403 };
    const clients = client();
    for (let i = 0; i < 10; i++) expect((await clients.api.fetch('items')).status).toBe(403);
    expect(tokenRequests()).toBe(1);
  });

  it('still renews for error="invalid_token"', async () => {
    const clients = client();
    await clients.api.getToken();
    answer = {
      status: 401,
      challenge: 'Bearer error="invalid_token", error_description="expired"',
    };
    acceptIssued = true;
    issued.clear(); // the current token is no longer accepted; the next one is
    expect((await clients.api.fetch('items')).status).toBe(200);
    expect(tokenRequests()).toBe(2);
  });
});

describe('a real expiry', () => {
  it('recovers with exactly 1 token request, after a series of limited 401s too', async () => {
    const clients = client();
    acceptIssued = true;
    await clients.api.getToken();
    issued.clear(); // revoked at the provider
    const results = await Promise.all(Array.from({ length: 50 }, () => clients.api.fetch('a')));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(tokenRequests()).toBe(2);
  });
});

describe('rejectToken, for callers that use another HTTP client', () => {
  it('tells to retry once, then limits', async () => {
    const clients = client();
    const first = await clients.api.getToken();
    expect(await clients.api.rejectToken(first, null)).toBe('renewed');
    expect(await clients.api.rejectToken(first, null)).toBe('stale');
    const second = await clients.api.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(await clients.api.rejectToken(second, 'Bearer error="invalid_token"')).toBe('limited');
    expect(await clients.api.rejectToken(second, 'Bearer error="insufficient_scope"')).toBe(
      'ignored',
    );
    expect(tokenRequests()).toBe(2);
  });

  it('returns the API answer even when the store fails to drop the token', async () => {
    const { tokenUrl, credentials } = emulators.alertsite;
    const events: AuthEvent[] = [];
    const store = new (await import('@auth/core')).MemoryTokenStore();
    store.deleteIf = () => Promise.reject(new Error('store down'));
    const clients = createAuthClients(
      {
        api: {
          baseUrl: api.url,
          store,
          flow: flows.jsonCredentials({ tokenUrl, ...credentials }),
        },
      },
      { onEvent: (event) => events.push(event) },
    );
    expect((await clients.api.fetch('items')).status).toBe(401);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'store.failure', fallback: true }),
    );
  });

  it('returns the API answer when the store fails while the new token is fetched', async () => {
    const { tokenUrl, credentials } = emulators.alertsite;
    const store = new (await import('@auth/core')).MemoryTokenStore();
    const clients = createAuthClients({
      api: { baseUrl: api.url, store, flow: flows.jsonCredentials({ tokenUrl, ...credentials }) },
    });
    await clients.api.getToken();
    store.get = () => Promise.reject(new TokenStoreError('store down'));
    const res = await clients.api.fetch('items', { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('{}'); // the API's own body, still readable
  });
});
