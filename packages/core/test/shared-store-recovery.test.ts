import {
  createAuthClients,
  flows,
  MemoryTokenStore,
  type StoredToken,
  type TokenStore,
  TokenStoreError,
} from '@auth/core';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from './support/api-server.js';

/**
 * How an instance of a fleet recovers through its shared store: a store outage does not put the
 * token in backoff, and a 401 the budget limits still adopts a newer token a peer stored.
 * Token requests are counted at the AlertSite emulator; the clock of the budget is moved by hand.
 */
let emulators: Emulators;
let api: Awaited<ReturnType<typeof startApi>>;
/** The one token the API accepts (a single-active-token provider's latest). */
let accepted = '';

beforeAll(async () => {
  emulators = await startEmulators();
  api = await startApi((request, res) => {
    res.statusCode = request.authorization === `Bearer ${accepted}` ? 200 : 401;
    res.end('{}');
  });
});
afterAll(async () => {
  await api.close();
  await emulators.close();
});

/** A shared store in this process that can be switched off, and that remembers the key used. */
class SwitchableStore implements TokenStore {
  readonly inner = new MemoryTokenStore();
  down = false;
  key = '';
  #check(key: string) {
    this.key = key;
    if (this.down) throw new TokenStoreError('store down');
  }
  async get(key: string) {
    this.#check(key);
    return this.inner.get(key);
  }
  async set(key: string, token: StoredToken) {
    this.#check(key);
    return this.inner.set(key, token);
  }
  async deleteIf(key: string, accessToken: string) {
    this.#check(key);
    return this.inner.deleteIf(key, accessToken);
  }
  async acquireLease() {
    this.#check(this.key);
    return { release: async () => {} };
  }
}

function client(store: TokenStore) {
  const { tokenUrl, credentials } = emulators.alertsite;
  const inner = flows.jsonCredentials({ tokenUrl, ...credentials });
  return createAuthClients({
    api: {
      baseUrl: api.url,
      store,
      monotonic: () => 0, // the budget's interval never passes by itself
      flow: {
        ...inner,
        async requestToken(request) {
          const response = await inner.requestToken(request);
          accepted = response.accessToken;
          return response;
        },
      },
    },
  });
}

describe('an instance and its shared store', () => {
  it('serves again on the first call after a store outage (no backoff: the endpoint was not asked)', async () => {
    const store = new SwitchableStore();
    const clients = client(store);
    store.down = true;
    await expect(clients.api.getToken()).rejects.toMatchObject({ code: 'TOKEN_STORE_UNAVAILABLE' });
    await expect(clients.api.getToken()).rejects.toMatchObject({ code: 'TOKEN_STORE_UNAVAILABLE' });
    store.down = false;
    expect((await clients.api.fetch('items')).status).toBe(200);
    await clients.close();
  });

  it("a 401 the budget limits adopts the peer's newer token from the store, without a token request", async () => {
    const store = new SwitchableStore();
    const clients = client(store);
    expect((await clients.api.fetch('items')).status).toBe(200);
    accepted = 'revoked-by-a-peer';
    // 401 → renewed: a token obtained because of a 401 (the budget's interval starts).
    expect((await clients.api.fetch('items')).status).toBe(200);
    const before = emulators.alertsite.stats.tokenRequests;
    // A peer logs in (revoking ours) and stores its token.
    const peer = {
      ...((await store.inner.get(store.key)) as StoredToken),
      accessToken: 'peer-token',
    };
    await store.inner.set(store.key, peer);
    accepted = peer.accessToken;
    // 401 again within the interval: limited, yet the peer's token is adopted and the call retried.
    expect((await clients.api.fetch('items')).status).toBe(200);
    expect(emulators.alertsite.stats.tokenRequests).toBe(before);
    await clients.close();
  });
});
