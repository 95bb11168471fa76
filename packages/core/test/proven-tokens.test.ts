import { type AuthEvent, createAuthClients, flows, presets } from '@auth/core';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from './support/api-server.js';
import { manualClock } from './support/fake-flow.js';

/**
 * Proven tokens renew at once (DESIGN §8): the 401 budget limits tokens that never worked, not
 * tokens that worked and were then revoked. Every clock is fake: the monotonic clock of the
 * clients never moves, so every 401 falls inside the budget's interval. Token requests are
 * counted at the emulators.
 */
const clock = manualClock(Date.now());
/** The clients' monotonic clock, ms: frozen unless a test moves it. */
let elapsed = 0;
const monotonic = () => elapsed;
let emulators: Emulators;

beforeAll(async () => {
  emulators = await startEmulators({ now: clock.now });
});
afterAll(() => emulators.close());
afterEach(() => {
  elapsed = 0;
  emulators.aspnet.resetStats();
  emulators.alertsite.resetStats();
});

/** Someone else logs in with the same account: the `/Token` provider revokes our token. */
async function externalLogin(): Promise<void> {
  const { tokenUrl, credentials } = emulators.aspnet;
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', ...credentials }),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

describe('a single-active-token provider revoking a token that worked', () => {
  it('20 external logins during 2,000 calls: at most 21 token requests, no 401 to callers', {
    timeout: 60_000,
  }, async () => {
    const { origin, credentials } = emulators.aspnet;
    const clients = createAuthClients({
      aspnet: presets.aspnetToken({
        baseUrl: `${origin}/`,
        ...credentials,
        now: clock.now,
        monotonic,
      }),
    });
    const statuses: number[] = [];
    for (let batch = 0; batch < 100; batch++) {
      if (batch % 5 === 4) await externalLogin(); // 20 logins, spread over the run
      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const res = await clients.aspnet.fetch('me');
          await res.arrayBuffer();
          return res.status;
        }),
      );
      statuses.push(...answers);
    }
    await clients.close();
    expect(statuses).toHaveLength(2000);
    expect(statuses.filter((status) => status === 401)).toHaveLength(0);
    const ours = emulators.aspnet.stats.tokenRequests - 20;
    expect(ours).toBeLessThanOrEqual(21);
    expect(ours).toBeGreaterThanOrEqual(21); // each revocation renewed once, no more
  });
});

/** A loopback API that accepts exactly the tokens in `accepted` (a revocation removes one). */
describe('an API that revokes tokens that worked', () => {
  const accepted = new Set<string>();
  /** Whether new tokens work at the API. */
  let newTokensWork = true;
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi((request, res) => {
      const token = request.authorization?.replace(/^Bearer /, '') ?? '';
      res.statusCode = accepted.has(token) ? 200 : 401;
      res.end('{}');
    });
  });
  afterAll(() => api.close());
  afterEach(() => {
    accepted.clear();
    newTokensWork = true;
  });

  function client(onEvent?: (event: AuthEvent) => void, initialMs = 1_000) {
    const { tokenUrl, credentials } = emulators.alertsite;
    const inner = flows.jsonCredentials({ tokenUrl, ...credentials });
    return createAuthClients(
      {
        api: {
          baseUrl: api.url,
          monotonic,
          backoff: { initialMs },
          flow: {
            ...inner,
            async requestToken(request) {
              const response = await inner.requestToken(request);
              if (newTokensWork) accepted.add(response.accessToken);
              return response;
            },
          },
        },
      },
      onEvent ? { onEvent } : {},
    );
  }
  const tokenRequests = () => emulators.alertsite.stats.tokenRequests;

  it('renews at once on each revocation, many times a second: one request each, no 401', async () => {
    const clients = client();
    expect((await clients.api.fetch('items')).status).toBe(200);
    for (let revocation = 1; revocation <= 10; revocation++) {
      accepted.clear(); // the API forgets the token that worked
      const statuses = await Promise.all(
        Array.from({ length: 10 }, async () => (await clients.api.fetch('items')).status),
      );
      expect(statuses).toEqual(Array(10).fill(200));
      expect(tokenRequests()).toBe(1 + revocation);
    }
  });

  it('still costs about one token request per interval when the new tokens never work', async () => {
    const events: AuthEvent[] = [];
    const clients = client((event) => events.push(event));
    expect((await clients.api.fetch('items')).status).toBe(200);
    // From now on no token works. The proven one renews at once; its successor, rejected at once
    // too, looks like a contest and is renewed 1 s after it arrived; from then on: limited.
    accepted.clear();
    newTokensWork = false;
    const at = async (ms: number) => {
      elapsed = ms;
      expect((await clients.api.fetch('items')).status).toBe(401);
      return tokenRequests();
    };
    expect(await at(0)).toBe(2);
    expect(await at(1_000)).toBe(3); // the contest's renewal, 1 s after the renewed token arrived
    expect(await at(1_010)).toBe(3); // no token worked for 1 s: no contest, limited
    expect(await at(2_999)).toBe(3);
    expect(await at(3_000)).toBe(4); // 2 s after the last renewal
    expect(await at(6_999)).toBe(4);
    expect(await at(7_000)).toBe(5); // 4 s later
    const actions = events.flatMap((e) => (e.type === 'api.unauthorized' ? [e.action] : []));
    expect(actions.slice(0, 4)).toEqual(['renewed', 'renewed', 'limited', 'limited']);
  });

  it('a contest: revoked again before its first 2xx moments after a token that worked, callers wait for one renewal instead of a 401', async () => {
    const initialMs = 20; // real time the callers wait, the monotonic clock being frozen
    const clients = client(undefined, initialMs);
    expect((await clients.api.fetch('items')).status).toBe(200);
    // Another process logs in twice: the token that worked is revoked, so is its successor.
    accepted.clear();
    newTokensWork = false;
    expect((await clients.api.fetch('items')).status).toBe(401); // its retry met the second revocation
    expect(tokenRequests()).toBe(2);
    newTokensWork = true;
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await clients.api.fetch('items')).status),
    );
    expect(statuses).toEqual(Array(10).fill(200));
    expect(tokenRequests()).toBe(3);
  });

  it("a caller that aborts during a contest's wait stops waiting; the renewal serves the others", async () => {
    const clients = client(undefined, 200);
    expect((await clients.api.fetch('items')).status).toBe(200);
    accepted.clear();
    newTokensWork = false;
    expect((await clients.api.fetch('items')).status).toBe(401);
    newTokensWork = true;
    const waiting = clients.api.fetch('items');
    const aborted = clients.api.fetch('items', { signal: AbortSignal.timeout(10) });
    await expect(aborted).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(tokenRequests()).toBe(2); // still waiting for the contest's renewal
    expect((await waiting).status).toBe(200);
    expect(tokenRequests()).toBe(3);
  });

  it('without a token that worked moments ago, a token renewed because of a 401 is limited', async () => {
    newTokensWork = false;
    const clients = client(undefined, 20);
    expect((await clients.api.fetch('items')).status).toBe(401); // renewed once, retried: 401
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await clients.api.fetch('items')).status),
    );
    expect(statuses).toEqual(Array(10).fill(401)); // at once: no wait, no token request
    expect(tokenRequests()).toBe(2);
  });

  it('acceptToken proves a token for callers that use another HTTP client', async () => {
    const clients = client();
    const first = await clients.api.getToken();
    expect(await clients.api.rejectToken(first, null)).toBe('renewed');
    const second = await clients.api.getToken();
    // Obtained because of a 401 moments ago and never seen working: limited.
    expect(await clients.api.rejectToken(second, null)).toBe('limited');
    clients.api.acceptToken(second);
    expect(await clients.api.rejectToken(second, null)).toBe('renewed');
    const third = await clients.api.getToken();
    clients.api.acceptToken(second); // no longer current: ignored
    // Rejected moments after the proven one was: a contest, renewed 1 s after it arrived.
    expect(await clients.api.rejectToken(third, null)).toBe('renewed');
    expect(tokenRequests()).toBe(3);
  });
});
