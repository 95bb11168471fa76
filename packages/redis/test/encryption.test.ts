import { randomBytes, randomUUID } from 'node:crypto';
import type { StoredToken } from '@auth/core';
import { EncryptionKeyMismatchError, RedisTokenStore } from '@auth/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError, parseEncryptionKey, TokenCipher } from '../src/encryption.js';
import { redisAvailable, startTestRedis, type TestRedis } from './redis-server.js';

const KEY = randomBytes(32);

describe('encryption key parsing', () => {
  it('accepts 32 raw bytes, base64 and base64url', () => {
    expect(parseEncryptionKey(new Uint8Array(KEY))).toEqual(new Uint8Array(KEY));
    expect(parseEncryptionKey(KEY.toString('base64'))).toEqual(new Uint8Array(KEY));
    expect(parseEncryptionKey(KEY.toString('base64url'))).toEqual(new Uint8Array(KEY));
  });

  it('ciphertext is bound to its context and fresh per call', async () => {
    const cipher = new TokenCipher(KEY);
    const a = await cipher.encrypt('hello', 'k1');
    expect(a).not.toBe(await cipher.encrypt('hello', 'k1'));
    expect(await cipher.decrypt(a, 'k1')).toBe('hello');
    await expect(cipher.decrypt(a, 'k2')).rejects.toThrow(DecryptionError);
    await expect(new TokenCipher(randomBytes(32)).decrypt(a, 'k1')).rejects.toThrow(
      DecryptionError,
    );
    await expect(cipher.decrypt('AAAA', 'k1')).rejects.toThrow(DecryptionError);
  });
});

describe.skipIf(!redisAvailable)('encryption at rest in Redis', () => {
  let server: TestRedis;
  let redis: Redis;
  const stores: RedisTokenStore[] = [];
  const prefix = `enc:${randomUUID()}:`;
  const newStore = (encryptionKey?: string | Uint8Array | Uint8Array[], storePrefix = prefix) => {
    const store = new RedisTokenStore({ redis, prefix: storePrefix, encryptionKey });
    stores.push(store);
    return store;
  };
  const secretToken = (): StoredToken => ({
    accessToken: `access-SECRET-${randomUUID()}`,
    tokenType: 'Bearer',
    issuedAt: Date.now(),
    expiresAt: Date.now() + 60_000,
    refreshToken: `refresh-SECRET-${randomUUID()}`,
    extras: { userName: 'user-SECRET-name' },
  });

  /** Every raw key and value under the prefix, as `redis-cli --scan` + GET would show them. */
  async function rawDump(): Promise<string> {
    const lines: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 100);
      cursor = next;
      for (const key of keys) {
        const value =
          (await redis.type(key)) === 'zset'
            ? await redis.zrange(key, 0, -1)
            : await redis.get(key);
        lines.push(`${key} => ${value}`);
      }
    } while (cursor !== '0');
    return lines.join('\n');
  }

  beforeAll(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    redis?.disconnect();
    await server?.dispose();
  });

  it('stores no access token, refresh token or extras in clear text', async () => {
    const store = newStore(KEY);
    const tokens = [secretToken(), secretToken(), secretToken()];
    await Promise.all(tokens.map((t, i) => store.set(`k${i}`, t)));
    await store.acquireLease('k0', 5_000);
    const dump = await rawDump();
    console.log(`[encryption] raw Redis content (truncated):\n${dump.slice(0, 400)}`);
    expect(dump.split('\n')).toHaveLength(5); // 3 entries, 1 lease, the fleet's key ids
    expect(dump).not.toContain('SECRET');
    expect(dump).toMatch(/\{k0\} => t1:[0-9a-f]{64}:e:[0-9a-f]{12}:[A-Za-z0-9+/=]+/);
    for (const [i, t] of tokens.entries()) expect(await store.get(`k${i}`)).toEqual(t);
  });

  it('another instance with the same key (as base64) reads it; deleteIf still compares', async () => {
    const writer = newStore(KEY);
    const reader = newStore(KEY.toString('base64'));
    const t = secretToken();
    await writer.set('shared', t);
    expect(await reader.get('shared')).toEqual(t);
    expect(await reader.deleteIf('shared', 'another-token')).toBe(false);
    expect(await reader.deleteIf('shared', t.accessToken)).toBe(true);
    expect(await writer.get('shared')).toBeUndefined();
  });

  it('an instance whose key the fleet outvotes fails alone with EncryptionKeyMismatchError', async () => {
    // Four stores above announced KEY under this prefix; these two are the odd ones out.
    const t = secretToken();
    await newStore(KEY).set('typed', t);

    for (const odd of [newStore(randomBytes(32)), newStore()]) {
      const error = await odd.get('typed').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EncryptionKeyMismatchError);
      expect(error).toMatchObject({ code: 'TOKEN_STORE_MISCONFIGURED' });
      expect(String(error)).not.toContain('SECRET');
      // It may not log in and overwrite the fleet's entry either.
      await expect(odd.acquireLease('typed', 1_000)).rejects.toThrow(EncryptionKeyMismatchError);
    }
    expect(await newStore(KEY).get('typed')).toEqual(t);
  });

  it('an entry that does not decrypt under its own Redis key is reported and read as missing', async () => {
    const store = newStore(KEY);
    const reasons: string[] = [];
    store.onUnreadable((_, reason) => reasons.push(reason));
    await store.set('typed', secretToken());
    // A value copied under another key does not decrypt (the Redis key is authenticated data).
    await redis.set(
      `${prefix}{moved}`,
      (await redis.get(`${prefix}{typed}`)) as string,
      'PX',
      60_000,
    );
    expect(await store.get('moved')).toBeUndefined();
    expect(reasons).toEqual(['not-decryptable']);
  });

  it('rotates keys: [B, A] reads A entries and writes B; [B] alone then reads only B', async () => {
    const keyB = randomBytes(32);
    const rotation = `rot:${randomUUID()}:`;
    const oldOnly = newStore(KEY, rotation);
    const t = secretToken();
    await oldOnly.set('k', t);
    const rotated = newStore([keyB, KEY], rotation);
    expect(await rotated.get('k')).toEqual(t);
    const u = secretToken();
    await rotated.set('k', u);
    const [bId, aId] = JSON.parse(JSON.stringify(rotated)).keyIds as string[];
    expect(await redis.get(`${rotation}{k}`)).toContain(`:e:${bId}:`);
    expect(bId).not.toBe(aId);
    expect(await newStore([KEY, keyB], rotation).get('k')).toEqual(u);
    expect(JSON.stringify(rotated)).not.toContain(keyB.toString('base64'));
  });
});
