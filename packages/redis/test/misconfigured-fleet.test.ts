import { randomBytes, randomUUID } from 'node:crypto';
import { type Emulators, startEmulators } from '@auth/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetInstance, fleetTotals } from './fleet-instance.js';
import { redisAvailable, startTestRedis, type TestRedis } from './redis-server.js';
import { until } from './redis-topology.js';

const LIFETIME_S = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!redisAvailable)('a fleet with a misconfigured instance, and key rotation', () => {
  let server: TestRedis;
  let emulators: Emulators;
  let observer: Redis;
  const running: FleetInstance[] = [];

  beforeAll(async () => {
    server = await startTestRedis();
    observer = new Redis(server.url);
    emulators = await startEmulators({ lifetimes: { aspnet: LIFETIME_S } });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(running.map((instance) => instance.stop().catch(() => {})));
    observer?.disconnect();
    await emulators?.close();
    await server?.dispose();
  });

  function instance(prefix: string, encryptionKey: Uint8Array | Uint8Array[]): FleetInstance {
    const created = new FleetInstance(emulators.aspnet, {
      redis: server.url,
      prefix,
      encryptionKey,
    });
    running.push(created);
    return created;
  }

  /** Waits until `count` instances have announced their key ids under `prefix`. */
  async function announced(prefix: string, count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((await observer.zcard(`${prefix}fleet:keys`)) < count) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} instances announced`);
      await sleep(20);
    }
  }

  async function stopAll(instances: FleetInstance[]): Promise<void> {
    await Promise.all(instances.map((i) => i.stop()));
    running.splice(0, running.length, ...running.filter((i) => !instances.includes(i)));
  }

  it.each([
    ['first', true],
    ['last', false],
  ])(
    'the wrong key started %s: it fails alone with its typed error, the others 0 failed',
    async (_, wrongFirst) => {
      const prefix = `wrong:${randomUUID()}:`;
      const right = randomBytes(32);
      emulators.aspnet.revokeAll();
      emulators.aspnet.resetStats();
      // An instance announces its key ids when it is created.
      const startWrong = () => [instance(prefix, randomBytes(32))];
      const startHealthy = () => [instance(prefix, right), instance(prefix, right)];
      const first = (wrongFirst ? startWrong() : startHealthy()).map((i) => i.start());
      await sleep(2_500); // the first ones log in, write the shared entry and refresh it
      const second = wrongFirst ? startHealthy() : startWrong();
      await announced(prefix, 3);
      for (const i of second) i.start();
      const [wrong, ...healthy] = (wrongFirst ? [...first, ...second] : [...second, ...first]) as [
        FleetInstance,
        ...FleetInstance[],
      ];
      await sleep(6_000);
      await stopAll([wrong, ...healthy]);

      const healthyTotals = fleetTotals(healthy);
      const wrongCodes = wrong.failureCounts();
      console.log(
        `[misconfigured] wrong key started ${_}: wrong ok ${wrong.ok}; healthy ok ${healthyTotals.ok} failed ${healthyTotals.failed}; wrong failures ${JSON.stringify(wrongCodes)}; token requests ${emulators.aspnet.stats.tokenRequests}`,
      );
      expect(healthyTotals.ok).toBeGreaterThan(0);
      expect(healthyTotals.failed).toBe(0);
      expect(wrongCodes.TOKEN_STORE_MISCONFIGURED).toBeGreaterThan(0);
      if (wrongFirst) expect(wrong.ok).toBeGreaterThan(0); // it served its own entry at first
      // Its only other failures: its own token, revoked by the fleet's logins.
      expect(Object.keys(wrongCodes).filter((why) => why !== 'TOKEN_STORE_MISCONFIGURED')).toEqual(
        Object.keys(wrongCodes).filter((why) => why === 'HTTP 401'),
      );
    },
    30_000,
  );

  it('rotates from key A to key B across rolling restarts of 3 instances: 0 failed calls, <= 1 token request per lifetime + 1', async () => {
    const prefix = `rotate:${randomUUID()}:`;
    const keyA = randomBytes(32);
    const keyB = randomBytes(32);
    emulators.aspnet.revokeAll();
    emulators.aspnet.resetStats();
    const started = Date.now();
    let fleet = [0, 1, 2].map(() => instance(prefix, keyA).start());
    const retired: FleetInstance[] = [];
    // The documented steps: every instance gets [A, B], then [B, A], then [B]; one at a time.
    for (const keys of [[keyA, keyB], [keyB, keyA], [keyB]]) {
      for (let slot = 0; slot < fleet.length; slot++) {
        await sleep(600);
        const old = fleet[slot] as FleetInstance;
        const next = instance(prefix, keys).start();
        fleet = fleet.map((i) => (i === old ? next : i));
        await old.stop(); // graceful: it withdraws its key ids
        retired.push(old);
      }
      if (keys.length === 2 && keys[0] === keyB) {
        // Step 3 waits until the entry is rewritten with B (at the next renewal, <= 1 lifetime).
        const [idB] = JSON.parse(JSON.stringify(fleet[0]?.store)).keyIds as string[];
        // A withdrawn token leaves no entry for a moment (until the next one is stored).
        await until(
          async () => {
            const key = await firstEntryKey(prefix);
            if (key === undefined) return false;
            return (await observer.get(`${prefix}{${key}}`))?.includes(`:e:${idB}:`) === true;
          },
          2 * LIFETIME_S * 1000,
          'the entry was not rewritten with key B',
        );
      }
    }
    await sleep(1_000);
    await stopAll(fleet);
    const elapsedS = (Date.now() - started) / 1000;
    const all = [...retired, ...fleet];
    const totals = fleetTotals(all);
    const tokenRequests = emulators.aspnet.stats.tokenRequests;
    const bound = Math.floor(elapsedS / LIFETIME_S) + 1;
    console.log(
      `[rotation] 3 instances, 9 restarts over ${elapsedS.toFixed(1)} s, ${LIFETIME_S} s tokens: ok ${totals.ok} failed ${totals.failed} ${JSON.stringify(all.map((i) => i.failureCounts()))}; token requests ${tokenRequests} (bound ${bound})`,
    );
    expect(totals.ok).toBeGreaterThan(0);
    expect(totals.failed).toBe(0);
    expect(tokenRequests).toBeLessThanOrEqual(bound);
    const entryKey = await firstEntryKey(prefix);
    expect(entryKey).toBeDefined();
    const stored = await observer.get(`${prefix}{${entryKey}}`);
    expect(stored).toMatch(/:e:[0-9a-f]{12}:/);
  }, 60_000);

  /** The cache key of the fleet's entry, `undefined` while there is none. */
  async function firstEntryKey(prefix: string): Promise<string | undefined> {
    const keys = await observer.keys(`${prefix}{*}`);
    return /\{(.+)\}$/.exec(keys[0] ?? '')?.[1];
  }
});
