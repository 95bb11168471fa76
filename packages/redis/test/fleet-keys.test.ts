import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptionKeyMismatchError, FleetKeys, RENEW_AFTER_MS } from '../src/fleet-keys.js';
import { KeyRing } from '../src/key-ring.js';
import { RedisConnection } from '../src/redis-connection.js';
import { redisAvailable, startTestRedis, type TestRedis } from './redis-server.js';

describe.skipIf(!redisAvailable)('FleetKeys: the vote on encryption keys', () => {
  let server: TestRedis;
  let observer: Redis;
  const connections: RedisConnection[] = [];

  beforeAll(async () => {
    server = await startTestRedis();
    observer = new Redis(server.url);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    observer?.disconnect();
    await server?.dispose();
  });

  /** An instance's vote under `prefix`, on its own connection and monotonic clock. */
  function instance(prefix: string, key: Uint8Array, clock: () => number = () => 0): FleetKeys {
    const connection = new RedisConnection({ redis: server.url, commandTimeoutMs: 2_000 });
    connections.push(connection);
    return new FleetKeys(connection, prefix, new KeyRing(key), clock);
  }

  /** Announcements Redis has run so far (each is one `EVAL`/`EVALSHA` of the announce script). */
  async function announcements(): Promise<number> {
    const stats = await observer.info('commandstats');
    let calls = 0;
    for (const [, calls_] of stats.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)) {
      calls += Number(calls_);
    }
    return calls;
  }

  it(`an instance outvoted by peers that joined later knows it within RENEW_AFTER_MS (${RENEW_AFTER_MS} ms), and asks Redis no more often`, async () => {
    const prefix = `vote:${randomUUID()}:`;
    let now = 1_000;
    const lone = instance(prefix, randomBytes(32), () => now);
    await lone.check(); // alone: its key is the fleet's
    const fleetKey = randomBytes(32);
    for (const peer of [instance(prefix, fleetKey), instance(prefix, fleetKey)]) await peer.check();
    expect(await observer.zcard(`${prefix}fleet:keys`)).toBe(3);

    const before = await announcements();
    now += RENEW_AFTER_MS - 1;
    await expect(lone.check()).resolves.toBeUndefined(); // its last vote is still young
    expect(await announcements()).toBe(before);
    now += 1;
    await expect(lone.check()).rejects.toBeInstanceOf(EncryptionKeyMismatchError);
    expect(await announcements()).toBe(before + 1);
    // The new vote is kept too: outvoted again without asking Redis.
    await expect(lone.check()).rejects.toMatchObject({ code: 'TOKEN_STORE_MISCONFIGURED' });
    expect(await announcements()).toBe(before + 1);
  });

  it('a renewal (keepAlive) refreshes the vote, and `fresh: true` asks Redis at once', async () => {
    const prefix = `vote:${randomUUID()}:`;
    let now = 1_000;
    const renewalKey = randomBytes(32);
    const viaRenewal = instance(prefix, renewalKey, () => now);
    const viaFresh = instance(prefix, randomBytes(32), () => now);
    await viaRenewal.check();
    await viaFresh.check();
    const fleetKey = randomBytes(32);
    for (const peer of [0, 1, 2].map(() => instance(prefix, fleetKey))) await peer.check();
    const members = await observer.zrange(`${prefix}fleet:keys`, 0, -1);

    // Within RENEW_AFTER_MS: the old vote (a tie of one against one) still counts...
    await expect(viaFresh.check()).resolves.toBeUndefined();
    // ...unless the caller asks for a fresh one (the store does on meeting an unknown key).
    await expect(viaFresh.check({ fresh: true })).rejects.toBeInstanceOf(
      EncryptionKeyMismatchError,
    );

    now += RENEW_AFTER_MS;
    const [ownId] = new KeyRing(renewalKey).ids;
    const score = () => observer.zscore(`${prefix}fleet:keys`, renewalMember(ownId));
    const announced = Number(await score());
    viaRenewal.keepAlive();
    await until(async () => Number(await score()) > announced);
    const before = await announcements();
    await expect(viaRenewal.check()).rejects.toBeInstanceOf(EncryptionKeyMismatchError);
    expect(await announcements()).toBe(before);

    /** `viaRenewal`'s member of the set (the only one with its key id). */
    function renewalMember(id: string | undefined): string {
      return members.find((member) => member.endsWith(` ${id}`)) ?? '';
    }
  });
});

async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
