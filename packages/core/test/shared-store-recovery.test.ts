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

/**
 * A shared store in this process that can be switched off, and that remembers the key used. Its
 * lease can be held by a "peer" (`peerLease`); `deletes` counts compare-and-deletes, `leases`
 * the leases it granted and `released` those given back.
 */
class SwitchableStore implements TokenStore {
  readonly inner = new MemoryTokenStore();
  down = false;
  key = '';
  peerLease = false;
  deletes = 0;
  leases = 0;
  released = 0;
  /** Runs before each `get` (a peer acting between two reads). */
  beforeGet: (() => Promise<void>) | undefined;
  #check(key: string) {
    this.key = key;
    if (this.down) throw new TokenStoreError('store down');
  }
  async get(key: string) {
    this.#check(key);
    await this.beforeGet?.();
    return this.inner.get(key);
  }
  async set(key: string, token: StoredToken) {
    this.#check(key);
    return this.inner.set(key, token);
  }
  async deleteIf(key: string, accessToken: string) {
    this.#check(key);
    this.deletes++;
    return this.inner.deleteIf(key, accessToken);
  }
  async acquireLease() {
    this.#check(this.key);
    if (this.peerLease) return undefined;
    this.leases++;
    return {
      release: async () => {
        this.released++;
      },
    };
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
    // A token obtained because of a 401 that never worked (the budget's interval starts).
    const clients = await renewedOn401(store);
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

  it("a 401 the budget limits while this instance's own renewal is in flight is retried with the renewed token", async () => {
    const { tokenUrl, credentials } = emulators.alertsite;
    const inner = flows.jsonCredentials({ tokenUrl, ...credentials });
    let wall = Date.now();
    let hold: Promise<void> | undefined;
    let release = () => {};
    const clients = createAuthClients({
      api: {
        baseUrl: api.url,
        now: () => wall,
        monotonic: () => 0, // the budget's interval never passes by itself
        // The 401 of the old token arrives while the renewal waits at the token endpoint; it is let
        // through just after the 401 was handed to the client.
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          if (response.status === 401 && hold !== undefined) setTimeout(release, 10);
          return response;
        },
        flow: {
          ...inner,
          async requestToken(request) {
            await hold;
            const response = await inner.requestToken(request);
            accepted = response.accessToken;
            return response;
          },
        },
      },
    });
    // Renewed because of a 401, and never seen working: the budget limits its next 401.
    expect(await clients.api.rejectToken(await clients.api.getToken(), null)).toBe('renewed');
    await clients.api.getToken();
    const before = emulators.alertsite.stats.tokenRequests;
    hold = new Promise((resolve) => {
      release = resolve;
    });
    wall += 3_590_000; // past the refresh point of the 1 h token: the next call starts a renewal
    accepted = 'revoked-again';
    expect((await clients.api.fetch('items')).status).toBe(200);
    expect(emulators.alertsite.stats.tokenRequests).toBe(before + 1);
    await clients.close();
  });

  /**
   * A client whose current token was obtained because of a 401 and has had no 2xx answer yet (the
   * budget limits its next 401; a token that worked would be renewed at once).
   */
  async function renewedOn401(store: SwitchableStore) {
    const clients = client(store);
    expect(await clients.api.rejectToken(await clients.api.getToken(), null)).toBe('renewed');
    await clients.api.getToken();
    return clients;
  }

  it('a 401 the budget limits withdraws the rejected token from the store, once, so no peer adopts it', async () => {
    const store = new SwitchableStore();
    const clients = await renewedOn401(store);
    const rejected = (await store.inner.get(store.key)) as StoredToken;
    const before = emulators.alertsite.stats.tokenRequests;
    const deletes = store.deletes;
    accepted = 'revoked-elsewhere';
    for (let i = 0; i < 5; i++) expect((await clients.api.fetch('items')).status).toBe(401);
    // Kept by this instance for the budget, but gone from the store (a store that kept it during
    // an outage would otherwise write it back over the fleet's valid token).
    expect(await store.inner.get(store.key)).toBeUndefined();
    expect((await clients.api.getToken()).accessToken).toBe(rejected.accessToken);
    expect(store.deletes - deletes).toBe(1);
    expect(emulators.alertsite.stats.tokenRequests).toBe(before);
    // The probe lease of each search was given back at once.
    expect(store.released).toBe(store.leases);
    await clients.close();
  });

  it("a 401 the budget limits waits while a peer holds the lease, then adopts the peer's token", async () => {
    const store = new SwitchableStore();
    const clients = await renewedOn401(store);
    const before = emulators.alertsite.stats.tokenRequests;
    const template = (await store.inner.get(store.key)) as StoredToken;
    // A peer holds the lease: its login has revoked our token, its result is not stored yet.
    store.peerLease = true;
    accepted = 'peer-token';
    let reads = 0;
    store.beforeGet = async () => {
      // The peer stores its token and releases the lease after our second read.
      if (++reads === 2) {
        await store.inner.set(store.key, { ...template, accessToken: 'peer-token' });
        store.peerLease = false;
      }
    };
    expect((await clients.api.fetch('items')).status).toBe(200);
    expect((await clients.api.getToken()).accessToken).toBe('peer-token');
    expect(emulators.alertsite.stats.tokenRequests).toBe(before);
    await clients.close();
  });
});
