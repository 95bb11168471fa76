import { createHash, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { AuthConfigError, type StoredToken, TokenStoreError } from '@auth/core';
import { RedisTokenStore } from '@auth/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  redisAvailable,
  redisControllable,
  startTestRedis,
  type TestRedis,
} from './redis-server.js';

function token(overrides: Partial<StoredToken> = {}): StoredToken {
  const now = Date.now();
  return {
    accessToken: `at-${randomUUID()}`,
    tokenType: 'Bearer',
    issuedAt: now,
    expiresAt: now + 60_000,
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisTokenStore options', () => {
  it.each([
    [{}, 'redis'],
    [{ redis: 'not a url' }, 'redis'],
    [{ redis: 'http://localhost:6379' }, 'redis'],
    [{ redis: { get: 1 } }, 'redis'],
    [{ redis: 'redis://x', prefix: 1 }, 'prefix'],
    [{ redis: 'redis://x', fallback: 'disk' }, 'fallback'],
    [{ redis: 'redis://x', commandTimeoutMs: 0 }, 'commandTimeoutMs'],
    [{ redis: 'redis://x', refreshTokenTtlMs: -1 }, 'refreshTokenTtlMs'],
    [{ redis: 'redis://x', encryptionKey: 'short' }, 'encryptionKey'],
    [{ redis: 'redis://x', encryptionKey: new Uint8Array(16) }, 'encryptionKey'],
    [{ redis: 'redis://x', encryptionKey: 42 }, 'encryptionKey'],
    [{ redis: 'redis://x', now: 5 }, 'now'],
    [{ redis: 'redis://x', onError: 'log' }, 'onError'],
  ])('rejects %o with AuthConfigError on "%s"', (options, option) => {
    const create = () => new RedisTokenStore(options as never);
    expect(create).toThrow(AuthConfigError);
    try {
      create();
    } catch (error) {
      expect((error as AuthConfigError).option).toBe(option);
      expect((error as AuthConfigError).code).toBe('AUTH_CONFIG_INVALID');
    }
  });

  it('never echoes a URL (it may carry a password) or a key in the error', () => {
    const secretUrl = 'http://user:hunter2-url-secret@redis.internal:6379';
    const badKey = 'hunter2-key-secret-hunter2-key-secret';
    const messages: string[] = [];
    for (const options of [{ redis: secretUrl }, { redis: 'redis://x', encryptionKey: badKey }]) {
      try {
        new RedisTokenStore(options);
      } catch (error) {
        messages.push(String(error), inspect(error), JSON.stringify(error));
      }
    }
    expect(messages).toHaveLength(6);
    expect(messages.join('\n')).not.toMatch(/hunter2/);
  });
});

describe.skipIf(!redisAvailable)('RedisTokenStore against redis-server', () => {
  let server: TestRedis;
  let redis: Redis;
  const stores: RedisTokenStore[] = [];
  const newStore = (options: Partial<ConstructorParameters<typeof RedisTokenStore>[0]> = {}) => {
    const store = new RedisTokenStore({ redis, prefix: `t:${randomUUID()}:`, ...options });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    redis?.disconnect();
    await server?.dispose();
  });

  it('get/set roundtrip, undefined when missing', async () => {
    const store = newStore();
    const original = token({ refreshToken: 'rt-1', extras: { scope: 'read', userName: 'bob' } });
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', original);
    expect(await store.get('k')).toEqual(original);
    expect(await store.get('other')).toBeUndefined();
  });

  it('keys are <prefix>{key} so entry and lease share a Cluster slot; prefixes isolate', async () => {
    const prefix = `iso:${randomUUID()}:`;
    const store = newStore({ prefix });
    await store.set('passwordGrant:abc', token());
    await store.acquireLease('passwordGrant:abc', 5_000);
    expect((await redis.keys(`${prefix}*`)).sort()).toEqual([
      `${prefix}fleet:keys`,
      `${prefix}{passwordGrant:abc}`,
      `${prefix}{passwordGrant:abc}:lease`,
    ]);
    expect(await newStore().get('passwordGrant:abc')).toBeUndefined();
  });

  it('sets the Redis TTL from expiresAt', async () => {
    let now = 1_000_000;
    const prefix = `ttl:${randomUUID()}:`;
    const store = newStore({ prefix, now: () => now });
    await store.set('k', token({ issuedAt: now, expiresAt: now + 5_000 }));
    const pttl = await redis.pttl(`${prefix}{k}`);
    expect(pttl).toBeGreaterThan(4_500);
    expect(pttl).toBeLessThanOrEqual(5_000);

    now += 10_000; // already expired: replaced and gone at once
    await store.set('k', token({ issuedAt: now - 20_000, expiresAt: now - 1 }));
    await sleep(5);
    expect(await redis.exists(`${prefix}{k}`)).toBe(0);
  });

  it('keeps an entry with a refresh token longer: JWT exp, else refreshTokenTtlMs', async () => {
    const now = Date.now();
    const prefix = `rt:${randomUUID()}:`;
    const store = newStore({ prefix, refreshTokenTtlMs: 3_600_000, now: () => now });
    await store.set('opaque', token({ expiresAt: now + 5_000, refreshToken: 'opaque-rt' }));
    expect(await redis.pttl(`${prefix}{opaque}`)).toBeGreaterThan(3_500_000);

    const exp = Math.floor(now / 1000) + 7 * 24 * 3600;
    const jwt = [
      Buffer.from('{"alg":"HS256"}').toString('base64url'),
      Buffer.from(JSON.stringify({ exp })).toString('base64url'),
      'sig',
    ].join('.');
    await store.set('jwt', token({ expiresAt: now + 5_000, refreshToken: jwt }));
    const pttl = await redis.pttl(`${prefix}{jwt}`);
    expect(pttl).toBeGreaterThan(7 * 24 * 3600_000 - 5_000);
    expect(pttl).toBeLessThanOrEqual(7 * 24 * 3600_000);
  });

  it('deleteIf deletes only the same token; a newer token survives', async () => {
    const store = newStore();
    const old = token();
    const newer = token();
    await store.set('k', old);
    expect(await store.deleteIf('k', old.accessToken)).toBe(true);
    expect(await store.get('k')).toBeUndefined();

    await store.set('k', newer);
    expect(await store.deleteIf('k', old.accessToken)).toBe(false);
    expect(await store.get('k')).toEqual(newer);
    expect(await store.deleteIf('missing', old.accessToken)).toBe(false);
  });

  it('deleteIf is atomic under concurrent writers', async () => {
    const store = newStore();
    const tokens = Array.from({ length: 20 }, () => token());
    await store.set('k', tokens[0] as StoredToken);
    // Interleave: each step replaces the token, then tries to delete the previous one.
    await Promise.all(
      tokens.slice(1).map(async (t, i) => {
        await store.set('k', t);
        await store.deleteIf('k', (tokens[i] as StoredToken).accessToken);
      }),
    );
    const left = await store.get('k');
    if (left !== undefined) expect(tokens.map((t) => t.accessToken)).toContain(left.accessToken);
  });

  it('lease is exclusive, expires after its TTL, and a non-holder release does nothing', async () => {
    const store = newStore();
    const other = newStore({ prefix: undefined });
    const a = await store.acquireLease('k', 150);
    expect(a).toBeDefined();
    expect(await store.acquireLease('k', 150)).toBeUndefined();
    const contenders = await Promise.all(
      Array.from({ length: 10 }, () => store.acquireLease('k', 150)),
    );
    expect(contenders.filter(Boolean)).toHaveLength(0);
    expect(await other.acquireLease('k', 150)).toBeDefined(); // other prefix: other key

    await sleep(200); // a expired without release
    const b = await store.acquireLease('k', 5_000);
    expect(b).toBeDefined();
    await a?.release(); // a is no longer the holder: b's lease must survive
    expect(await store.acquireLease('k', 5_000)).toBeUndefined();
    await b?.release();
    await b?.release(); // idempotent
    const c = await store.acquireLease('k', 5_000);
    expect(c).toBeDefined();
    await c?.release();
  });

  it('refuses the lease when a peer stored a token since this instance read the entry', async () => {
    const prefix = `cas:${randomUUID()}:`;
    const a = newStore({ prefix });
    const b = newStore({ prefix });
    expect(await a.get('k')).toBeUndefined(); // a sees no token...
    const fromPeer = token();
    await b.set('k', fromPeer); // ...b stores one meanwhile...
    expect(await a.acquireLease('k', 5_000)).toBeUndefined(); // ...so a must adopt it, not log in
    expect(await a.get('k')).toEqual(fromPeer);

    // a read the current entry: the lease is granted (e.g. to refresh it early).
    const lease = await a.acquireLease('k', 5_000);
    expect(lease).toBeDefined();
    await lease?.release();

    // A deleted entry (401 invalidation) never blocks the lease.
    await b.deleteIf('k', fromPeer.accessToken);
    const afterDelete = await a.acquireLease('k', 5_000);
    expect(afterDelete).toBeDefined();
    await afterDelete?.release();

    // Once a has read the newer entry, it may lease again.
    await a.get('k');
    await b.set('k', token());
    await a.get('k');
    expect(await a.acquireLease('k', 5_000)).toBeDefined();
  });

  it('exactly one of many concurrent contenders gets the lease', async () => {
    const prefix = `race:${randomUUID()}:`;
    const contenders = Array.from({ length: 5 }, () => newStore({ prefix }));
    const leases = await Promise.all(
      contenders.flatMap((s) => Array.from({ length: 10 }, () => s.acquireLease('k', 5_000))),
    );
    expect(leases.filter(Boolean)).toHaveLength(1);
  });

  it('rejects bad arguments', async () => {
    const store = newStore();
    await expect(store.get('')).rejects.toThrow(TypeError);
    await expect(store.acquireLease('k', 0)).rejects.toThrow(RangeError);
    await expect(store.acquireLease('k', 1.5)).rejects.toThrow(RangeError);
  });

  /** The commands Redis served while `run` ran, by name (without the test's INFO and CONFIG). */
  async function commandsOf(run: () => Promise<void>): Promise<Record<string, number>> {
    await redis.config('RESETSTAT');
    await run();
    const byCommand: Record<string, number> = {};
    for (const [, name, calls] of (await redis.info('commandstats')).matchAll(
      /^cmdstat_([^:]+):calls=(\d+)/gm,
    )) {
      if (name !== 'info' && !name?.startsWith('config')) byCommand[name as string] = Number(calls);
    }
    return byCommand;
  }

  it('reads Redis no more than needed: one MGET (entry and lease) for a token already seen there, MGET and PTTL for a new one, none for the read right after a lease over an unchanged entry', async () => {
    const prefix = `reads:${randomUUID()}:`;
    const store = newStore({ prefix });
    const peer = newStore({ prefix });
    const first = token();
    await peer.set('k', first);
    await store.get('other'); // the store's start-up announcement is done
    expect(await commandsOf(async () => expect(await store.get('k')).toEqual(first))).toEqual({
      mget: 1,
      pttl: 1,
    });
    expect(await commandsOf(async () => expect(await store.get('k')).toEqual(first))).toEqual({
      mget: 1,
    });

    const second = token();
    const refresh = await commandsOf(async () => {
      const lease = await store.acquireLease('k', 5_000);
      expect(lease).toBeDefined();
      expect(await store.get('k')).toEqual(first); // answered by the lease
      await store.set('k', second);
      await lease?.release();
    });
    // Lease: SET NX + GET of the entry (in Lua); set: SET; release: GET + DEL (in Lua).
    expect({ ...refresh, eval: undefined, evalsha: undefined }).toEqual({
      set: 2,
      get: 2,
      del: 1,
      eval: undefined,
      evalsha: undefined,
    });
    // Its own write is a token seen usable: one MGET.
    expect(await commandsOf(async () => expect(await store.get('k')).toEqual(second))).toEqual({
      mget: 1,
    });

    // The entry deleted since the read: the lease says so, and the next get answers undefined.
    await redis.del(`${prefix}{k}`);
    const gone = await commandsOf(async () => {
      const lease = await store.acquireLease('k', 5_000);
      expect(lease).toBeDefined();
      expect(await store.get('k')).toBeUndefined();
      await lease?.release();
    });
    expect(gone.get).toBe(2); // the lease's and the release's, none for the read

    // The lease's answer serves only the read in the same turn of the event loop.
    const lease = await store.acquireLease('k', 5_000);
    await new Promise((resolve) => setImmediate(resolve));
    const third = token();
    await peer.set('k', third);
    expect(await store.get('k')).toEqual(third);
    await lease?.release();
  });

  it('a read that finds the lease held answers the lease asked for right after it; later ones ask Redis', async () => {
    const prefix = `held:${randomUUID()}:`;
    const store = newStore({ prefix });
    const peer = newStore({ prefix });
    const stored = token();
    await peer.set('k', stored);
    expect(await store.get('k')).toEqual(stored);
    const held = await peer.acquireLease('k', 5_000);
    expect(held).toBeDefined();
    expect(
      await commandsOf(async () => {
        expect(await store.get('k')).toEqual(stored);
        expect(await store.acquireLease('k', 5_000)).toBeUndefined();
      }),
    ).toEqual({ mget: 1 });

    // The next turn asks Redis: the holder released, the lease is granted.
    await store.get('k');
    await new Promise((resolve) => setImmediate(resolve));
    await held?.release();
    const lease = await store.acquireLease('k', 5_000);
    expect(lease).toBeDefined();
    await lease?.release();
  });

  it('a foreign, corrupted or never-expiring value is reported, read as missing, and repaired by the lease winner', async () => {
    const prefix = `bad:${randomUUID()}:`;
    const store = newStore({ prefix });
    const peer = newStore({ prefix });
    const reasons: string[] = [];
    store.onUnreadable((key, reason) => reasons.push(`${key} ${reason}`));
    const valid = token();
    const validValue = `t1:${createHash('sha256').update(valid.accessToken).digest('hex')}:p:${JSON.stringify(valid)}`;
    for (const [value, ttl] of [
      ['garbage', 60_000],
      [`t1:${'0'.repeat(64)}:p:{"accessToken":1}`, 60_000],
      ['t1:zz:p:{}', 60_000],
      [validValue, undefined], // written by hand, without a TTL
    ] as const) {
      if (ttl === undefined) await redis.set(`${prefix}{k}`, value);
      else await redis.set(`${prefix}{k}`, value, 'PX', ttl);
      expect(await store.get('k')).toBeUndefined();
      // The lease is granted over the unreadable entry (one winner), and its token replaces it.
      const lease = await store.acquireLease('k', 5_000);
      expect(lease).toBeDefined();
      expect(await peer.acquireLease('k', 5_000)).toBeUndefined();
      const repaired = token();
      await store.set('k', repaired);
      await lease?.release();
      expect(await peer.get('k')).toEqual(repaired);
      expect(await redis.pttl(`${prefix}{k}`)).toBeGreaterThan(0);
    }
    expect(reasons).toEqual(['k unknown-format', 'k not-a-token', 'k unknown-format', 'k no-ttl']);
  });

  it('does not reveal tokens or keys through JSON.stringify / util.inspect', async () => {
    const key = Buffer.alloc(32, 7);
    const store = newStore({ encryptionKey: key });
    const t = token({ refreshToken: 'rt-secret-value' });
    await store.set('k', t);
    await store.get('k');
    const printed = [
      JSON.stringify(store),
      inspect(store, { depth: 10, showHidden: true }),
      String(store),
    ];
    const all = printed.join('\n');
    expect(all).toContain('RedisTokenStore');
    expect(all).not.toContain(t.accessToken);
    expect(all).not.toContain('rt-secret-value');
    expect(all).not.toContain(key.toString('base64'));
    expect(all).not.toContain(key.toString('hex'));
  });

  it('close() leaves a borrowed client open and quits an owned one', async () => {
    const borrowed = new RedisTokenStore({ redis });
    await borrowed.close();
    expect(await redis.ping()).toBe('PONG');
    await expect(borrowed.get('k')).rejects.toThrow(TokenStoreError);

    const owned = new RedisTokenStore({ redis: server.url, prefix: `own:${randomUUID()}:` });
    const t = token();
    await owned.set('k', t); // waits for the first connection
    expect((await owned.get('k'))?.accessToken).toBe(t.accessToken);
    const connections = async () =>
      Number(/connected_clients:(\d+)/.exec(await redis.info('clients'))?.[1]);
    const before = await connections();
    await owned.close();
    await sleep(50);
    // Only our own redis-server has no other clients coming and going.
    if (server.controllable) expect(await connections()).toBe(before - 1);
    await expect(owned.get('k')).rejects.toThrow(/closed/);
  });
});

describe('RedisTokenStore without a Redis', () => {
  it('rejects quickly with TOKEN_STORE_UNAVAILABLE, a secret-free error, and no unhandled error', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const reported: TokenStoreError[] = [];
    const store = new RedisTokenStore({
      redis: 'redis://127.0.0.1:1', // nothing listens on port 1
      commandTimeoutMs: 300,
      onError: (error) => reported.push(error),
    });
    try {
      const t = token();
      const started = Date.now();
      const results = await Promise.allSettled([
        store.get('k'),
        store.set('k', t),
        store.deleteIf('k', t.accessToken),
        store.acquireLease('k', 1_000),
      ]);
      expect(Date.now() - started).toBeLessThan(1_000);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const error = (result as PromiseRejectedResult).reason;
        expect(error).toBeInstanceOf(TokenStoreError);
        expect(error.code).toBe('TOKEN_STORE_UNAVAILABLE');
        expect(`${inspect(error, { depth: 10 })}${JSON.stringify(error)}`).not.toContain(
          t.accessToken,
        );
      }
      // After the first failed connection attempt, calls fail at once.
      const again = Date.now();
      await expect(store.get('k')).rejects.toMatchObject({ code: 'TOKEN_STORE_UNAVAILABLE' });
      expect(Date.now() - again).toBeLessThan(50);
      expect(reported.length).toBeGreaterThanOrEqual(5);
      await sleep(50);
      expect(unhandled).toEqual([]);
    } finally {
      await store.close();
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("with fallback: 'memory' serves from memory and grants leases locally", async () => {
    const store = new RedisTokenStore({
      redis: 'redis://127.0.0.1:1',
      commandTimeoutMs: 300,
      fallback: 'memory',
    });
    try {
      const t = token();
      await store.set('k', t);
      expect(await store.get('k')).toEqual(t);
      const lease = await store.acquireLease('k', 1_000);
      expect(lease).toBeDefined();
      await lease?.release();
      expect(await store.deleteIf('k', 'other')).toBe(false);
      expect(await store.deleteIf('k', t.accessToken)).toBe(true);
      expect(await store.get('k')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!redisControllable)('RedisTokenStore with a wrong Redis password', () => {
  it('names the authentication failure, without the password', async () => {
    const server = await startTestRedis();
    const admin = new Redis(server.url);
    await admin.config('SET', 'requirepass', 'the-real-password-xyz');
    const store = new RedisTokenStore({
      redis: server.url.replace('redis://', 'redis://:not-the-password-xyz@'),
      commandTimeoutMs: 500,
    });
    try {
      const error = await store.get('k').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenStoreError);
      expect(String(error)).toMatch(/authentication failed \(WRONGPASS/);
      expect(`${inspect(error, { depth: 10 })}${JSON.stringify(error)}`).not.toMatch(
        /password-xyz/,
      );
    } finally {
      await store.close();
      admin.disconnect();
      await server.dispose();
    }
  });
});
