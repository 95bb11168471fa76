import { randomUUID } from 'node:crypto';
import type { StoredToken } from '@auth/core';
import { RedisTokenStore } from '@auth/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisControllable, startTestRedis, type TestRedis } from './redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function token(issuedAt = Date.now()): StoredToken {
  return {
    accessToken: `at-${randomUUID()}`,
    tokenType: 'Bearer',
    issuedAt,
    expiresAt: issuedAt + 60_000,
  };
}

async function until(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe.skipIf(!redisControllable)('RedisTokenStore when Redis goes down and comes back', () => {
  let server: TestRedis;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startTestRedis();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server?.dispose();
  });

  it.each([
    ['a URL (owned client)', () => undefined],
    ['a borrowed client with default ioredis options', (url: string) => new Redis(url)],
  ])('with %s: fails fast while down, works again after the restart', async (_, makeClient) => {
    const borrowed = makeClient(server.url);
    borrowed?.on('error', () => {});
    const store = new RedisTokenStore({
      redis: borrowed ?? server.url,
      prefix: `o:${randomUUID()}:`,
    });
    try {
      const before = token();
      await store.set('k', before);
      await server.stop();
      await sleep(50);
      const started = Date.now();
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => store.get('k')));
      const elapsed = Date.now() - started;
      console.log(`[outage] ${_}: 50 gets while down settled in ${elapsed} ms`);
      expect(elapsed).toBeLessThan(1_500);
      expect(results.every((r) => r.status === 'rejected')).toBe(true);
      for (const r of results) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({
          code: 'TOKEN_STORE_UNAVAILABLE',
        });
      }
      await expect(store.acquireLease('k', 1_000)).rejects.toMatchObject({
        code: 'TOKEN_STORE_UNAVAILABLE',
      });

      await server.start();
      await until(() =>
        store.get('k').then(
          () => true,
          () => false,
        ),
      );
      const after = token();
      await store.set('k', after);
      expect(await store.get('k')).toEqual(after); // fresh server: before is gone with it
      expect(unhandled).toEqual([]);
    } finally {
      await store.close();
      borrowed?.disconnect();
    }
  });

  it("fallback: 'memory' serves during the outage and pushes a newer local token back", async () => {
    const errors: string[] = [];
    const prefix = `f:${randomUUID()}:`;
    const store = new RedisTokenStore({
      redis: server.url,
      prefix,
      fallback: 'memory',
      onError: (error) => errors.push(error.code),
    });
    const observer = new Redis(server.url, { lazyConnect: true });
    observer.on('error', () => {});
    try {
      await store.set('k', token(Date.now() - 1_000));
      await server.stop();
      const during = token();
      await store.set('k', during);
      expect(await store.get('k')).toEqual(during);
      const local = await store.acquireLease('k', 1_000);
      expect(local).toBeDefined();
      await local?.release();
      expect(errors.length).toBeGreaterThan(0);
      expect(new Set(errors)).toEqual(new Set(['TOKEN_STORE_UNAVAILABLE']));

      await server.start();
      await until(() => JSON.parse(JSON.stringify(store)).ready === true);
      // Redis came back empty; the token obtained during the outage is written back.
      expect(await store.get('k')).toEqual(during);
      await observer.connect();
      expect(await observer.get(`${prefix}{k}`)).toContain(':p:');
      // Leases are Redis leases again.
      const lease = await store.acquireLease('k', 5_000);
      expect(lease).toBeDefined();
      expect(await store.acquireLease('k', 5_000)).toBeUndefined();
      await lease?.release();
      expect(unhandled).toEqual([]);
    } finally {
      observer.disconnect();
      await store.close();
    }
  });

  it("fallback: 'memory': a lease granted during the outage and still held at the reconnect is taken in Redis, and its key is not written back", async () => {
    const prefix = `l:${randomUUID()}:`;
    const store = new RedisTokenStore({ redis: server.url, prefix, fallback: 'memory' });
    const peer = new RedisTokenStore({ redis: server.url, prefix, fallback: 'memory' });
    const observer = new Redis(server.url, { lazyConnect: true });
    observer.on('error', () => {});
    try {
      await store.get('k');
      await peer.get('k');
      await server.stop();
      // A token obtained during the outage, then a token request in flight across the reconnect.
      await store.set('k', token());
      const local = await store.acquireLease('k', 10_000);
      expect(local).toBeDefined();

      await server.start();
      await until(() => JSON.parse(JSON.stringify(store)).ready === true);
      await until(() => JSON.parse(JSON.stringify(peer)).ready === true);
      await observer.connect();
      await until(async () => (await observer.get(`${prefix}{k}:lease`)) !== null);
      // The peer waits for the token in flight instead of logging in (and revoking it) ...
      expect(await peer.acquireLease('k', 5_000)).toBeUndefined();
      // ... and the token obtained before it, about to be replaced, is not written back.
      expect(await observer.get(`${prefix}{k}`)).toBeNull();
      expect(await store.get('k')).toBeUndefined();

      const landed = token();
      await store.set('k', landed);
      await local?.release();
      expect(await observer.get(`${prefix}{k}:lease`)).toBeNull();
      expect(await peer.get('k')).toEqual(landed);
      const next = await peer.acquireLease('k', 5_000);
      expect(next).toBeDefined();
      await next?.release();
      expect(unhandled).toEqual([]);
    } finally {
      observer.disconnect();
      await store.close();
      await peer.close();
    }
  });
});
