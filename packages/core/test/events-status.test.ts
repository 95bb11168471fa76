import { type AuthEvent, createAuthClients, flows, MemoryTokenStore } from '@auth/core';
import { type Emulators, issuedSecrets, startEmulators } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from './support/fake-flow.js';

/** Events and status() against the OpsRamp emulator (client credentials), on a fake clock. */
let emulators: Emulators;
const clock = manualClock(Date.now());
let elapsed = 0;
beforeAll(async () => {
  emulators = await startEmulators({ now: clock.now, lifetimes: { opsramp: 100 } });
});
afterAll(() => emulators.close());

function registry(onEvent?: (event: AuthEvent) => void) {
  elapsed = 0;
  const { tokenUrl, credentials, apiBaseUrl } = emulators.opsramp;
  return createAuthClients(
    {
      opsramp: {
        baseUrl: apiBaseUrl,
        flow: flows.clientCredentials({
          tokenUrl,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
        }),
        now: clock.now,
        monotonic: () => elapsed,
      },
    },
    onEvent ? { onEvent } : {},
  );
}

/** What a listener can be given must never carry a credential or a token. */
function expectNoSecret(value: unknown) {
  const text = JSON.stringify(value);
  for (const secret of issuedSecrets()) expect(text).not.toContain(secret);
}

describe('events', () => {
  it('reports a token request, its success, and a failing background refresh while calls keep succeeding', async () => {
    const events: AuthEvent[] = [];
    const clients = registry((event) => events.push(event));
    const path = `api/v2/tenants/${emulators.opsramp.credentials.tenantId}/alerts/search`;
    expect((await clients.opsramp.fetch(path)).status).toBe(200);
    expect(events.map((e) => e.type)).toEqual(['token.request', 'token.success']);
    expect(events[0]).toMatchObject({
      client: 'opsramp',
      flow: 'clientCredentials',
      reason: 'missing',
    });
    expect(events[1]).toMatchObject({ source: 'endpoint', expiresInMs: 100_000 });

    emulators.opsramp.fault('error500');
    clock.advance(95_000); // past the refresh point (10 s before expiry), still valid
    expect((await clients.opsramp.fetch(path)).status).toBe(200);
    await expect.poll(() => events.length).toBe(4);
    expect(events[2]).toMatchObject({ type: 'token.request', reason: 'refresh' });
    expect(events[3]).toMatchObject({
      type: 'token.failure',
      code: 'TOKEN_ENDPOINT_REJECTED',
      status: 500,
      background: true,
    });
    expect((events[3] as { retryInMs: number }).retryInMs).toBeGreaterThan(0);
    expect((await clients.opsramp.fetch(path)).status).toBe(200); // the old token still serves
    const [row] = clients.status();
    expect(row).toMatchObject({
      client: 'opsramp',
      state: 'failing',
      failures: 1,
      lastError: 'TOKEN_ENDPOINT_REJECTED',
      expiresInMs: 5_000,
    });
    expect(events.filter((e) => e.type === 'token.failure')).toHaveLength(1);
    expectNoSecret(events);
    expectNoSecret(clients.status());
    emulators.opsramp.fault(null);
  });

  it('isolates a listener that throws', async () => {
    const clients = registry(() => {
      throw new Error('broken listener');
    });
    const unsubscribe = clients.subscribe(() => {
      throw new Error('another');
    });
    await expect(clients.opsramp.getToken()).resolves.toBeDefined();
    unsubscribe();
  });

  it('subscribe() adds a listener later and returns the function that removes it', async () => {
    const clients = registry();
    const seen: string[] = [];
    const unsubscribe = clients.subscribe((event) => seen.push(event.type));
    await clients.opsramp.getToken();
    unsubscribe();
    clock.advance(200_000);
    await clients.opsramp.getToken();
    expect(seen).toEqual(['token.request', 'token.success']);
  });

  it('reports a token adopted from the store, and store failures', async () => {
    const store = new MemoryTokenStore({ now: clock.now });
    const { tokenUrl, credentials, apiBaseUrl } = emulators.opsramp;
    const options = {
      baseUrl: apiBaseUrl,
      flow: flows.clientCredentials({
        tokenUrl,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
      }),
      now: clock.now,
      store,
    };
    await createAuthClients({ first: options }).first.getToken();
    const events: AuthEvent[] = [];
    const second = createAuthClients({ second: options }, { onEvent: (e) => events.push(e) });
    await second.second.getToken();
    expect(events[1]).toMatchObject({ type: 'token.success', source: 'store' });

    store.get = () => Promise.reject(new Error('store down'));
    clock.advance(200_000);
    await expect(second.second.getToken()).rejects.toThrow('store down');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'store.failure', fallback: false }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'token.failure', background: false });
  });
});

describe('store.unreadable', () => {
  it('names the client and flow of an entry a shared store could not read', async () => {
    const listeners: ((key: string, reason: string) => void)[] = [];
    const keys: string[] = [];
    const inner = new MemoryTokenStore({ now: clock.now });
    const store = {
      get: (key: string) => inner.get(key),
      set: (key: string, token: Parameters<MemoryTokenStore['set']>[1]) => {
        keys.push(key);
        return inner.set(key, token);
      },
      deleteIf: (key: string, accessToken: string) => inner.deleteIf(key, accessToken),
      onUnreadable(listener: (key: string, reason: string) => void) {
        listeners.push(listener);
        return () => {};
      },
    };
    const { tokenUrl, credentials, apiBaseUrl } = emulators.opsramp;
    const events: AuthEvent[] = [];
    const clients = createAuthClients(
      {
        opsramp: {
          baseUrl: apiBaseUrl,
          flow: flows.clientCredentials({
            tokenUrl,
            clientId: credentials.clientId,
            clientSecret: credentials.clientSecret,
          }),
          now: clock.now,
          store,
        },
      },
      { onEvent: (event) => events.push(event) },
    );
    await clients.opsramp.getToken();
    for (const listener of listeners) listener(keys[0] ?? '', 'unknown-encryption-key');
    for (const listener of listeners) listener('a-key-of-another-client', 'not-a-token');
    await expect
      .poll(() => events.filter((e) => e.type === 'store.unreadable'))
      .toEqual([
        expect.objectContaining({
          client: 'opsramp',
          flow: 'clientCredentials',
          reason: 'unknown-encryption-key',
        }),
      ]);
  });
});

describe('status()', () => {
  it('walks through empty, refreshing, valid, expiring', async () => {
    const clients = registry();
    expect(clients.status()).toEqual([{ client: 'opsramp', state: 'empty', failures: 0 }]);
    const pending = clients.opsramp.getToken();
    expect(clients.status()[0]?.state).toBe('refreshing');
    await pending;
    expect(clients.status()[0]).toMatchObject({ state: 'valid', expiresInMs: 100_000 });
    clock.advance(95_000);
    expect(clients.status()[0]).toMatchObject({ state: 'expiring', expiresInMs: 5_000 });
    expect(JSON.parse(JSON.stringify(clients.status()))).toEqual(clients.status());
  });

  it('lists one row per cached tenant of a per-tenant flow', async () => {
    const { tokenUrl, credentials, apiBaseUrl } = emulators.opsramp;
    const clients = createAuthClients({
      perTenant: {
        baseUrl: apiBaseUrl,
        flow: () =>
          flows.clientCredentials({
            tokenUrl,
            clientId: credentials.clientId,
            clientSecret: credentials.clientSecret,
          }),
        now: clock.now,
      },
    });
    await clients.perTenant.withContext({ tenant: 'a' }).getToken();
    await clients.perTenant.withContext({ tenant: 'b' }).getToken();
    expect(clients.status().map((row) => [row.tenant, row.state])).toEqual([
      ['a', 'valid'],
      ['b', 'valid'],
    ]);
  });
});
