import { randomUUID } from 'node:crypto';
import { RedisTokenStore } from '@auth/redis';
import { type Emulators, isRedisServerAvailable, startEmulators } from '@auth/testing';
import { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetInstance, fleetTotals } from './fleet-instance.js';
import { startRedisCluster, startRedisSentinel, until } from './redis-topology.js';

const LIFETIME_S = 2;
const INSTANCES = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fleet of 3 instances (each its own store and connection) runs against a real topology; the
 * master holding the token entry fails over mid-run. Counted: failed calls after the failover
 * completed (0), the entry still there after it (0 lost tokens), token requests at the emulator.
 */
describe.skipIf(!isRedisServerAvailable())('the fleet through a failover', () => {
  let emulators: Emulators;
  let lifetimeS = LIFETIME_S;

  afterEach(async () => {
    await emulators?.close();
  });

  async function runThroughFailover(
    name: string,
    client: () => Redis | Cluster,
    failover: (entryKey: string) => Promise<{ from: number; to: number }>,
    settled: (clients: (Redis | Cluster)[], to: number) => Promise<void>,
  ) {
    emulators = await startEmulators({ lifetimes: { aspnet: lifetimeS } });
    const prefix = `failover:${randomUUID()}:`;
    const clients = Array.from({ length: INSTANCES + 1 }, () => {
      const c = client();
      c.on('error', () => {});
      return c;
    });
    const [probeClient, ...instanceClients] = clients as [Redis | Cluster, ...(Redis | Cluster)[]];
    const probe = new RedisTokenStore({ redis: probeClient, prefix });
    emulators.aspnet.revokeAll();
    emulators.aspnet.resetStats();
    const started = Date.now();
    const fleet = instanceClients.map((redis) =>
      new FleetInstance(emulators.aspnet, { redis, prefix }).start(),
    );
    try {
      await sleep(3_000);
      const entryKey = await findEntry(probeClient, prefix);
      const cacheKey = (/\{(.+)\}$/.exec(entryKey) as RegExpExecArray)[1] as string;
      const before = await probe.get(cacheKey);
      const failoverAt = Date.now();
      const { from, to } = await failover(entryKey);
      await settled(instanceClients, to);
      const completedAt = Date.now();
      // 0 lost tokens: the entry written before the failover is still there after it (or a newer
      // one), unless it expired meanwhile (2 s tokens; a Sentinel failover takes seconds).
      const afterFailover = await probe.get(cacheKey);
      const stillValid = before !== undefined && before.expiresAt > Date.now() + 100;
      const lost = stillValid && (afterFailover?.issuedAt ?? 0) < before.issuedAt;
      await sleep(4_000);
      await Promise.all(fleet.map((i) => i.stop()));
      const elapsedS = (Date.now() - started) / 1000;
      const tokenRequests = emulators.aspnet.stats.tokenRequests;
      const bound = Math.floor(elapsedS / lifetimeS) + 2;
      const during = fleet.map((i) => i.failureCounts(failoverAt));
      const after = fleetTotals(fleet, completedAt);
      console.log(
        `[${name}] ${INSTANCES} instances, ${elapsedS.toFixed(1)} s, ${lifetimeS} s tokens; master ${from} -> ${to} in ${completedAt - failoverAt} ms: calls ok ${fleetTotals(fleet).ok}, failed during the failover ${JSON.stringify(during)}, failed after it ${after.failed}; entry before it ${before === undefined ? 'missing' : stillValid ? 'still valid after it' : 'expired during it'}, lost ${lost}; token requests ${tokenRequests} (bound ${bound})`,
      );
      expect(before).toBeDefined();
      expect(lost).toBe(false);
      expect(after.ok).toBeGreaterThan(0);
      expect(after.failed).toBe(0);
      expect(tokenRequests).toBeLessThanOrEqual(bound);
    } finally {
      await Promise.all(fleet.map((i) => i.stop().catch(() => {})));
      await probe.close();
      for (const c of clients) c.disconnect();
    }
  }

  it('Redis Cluster (3 masters, 3 replicas): the entry slot master fails over mid-run', async () => {
    lifetimeS = LIFETIME_S;
    const cluster = await startRedisCluster();
    try {
      await runThroughFailover(
        'cluster',
        () => new Cluster(cluster.nodes),
        (entryKey) => cluster.failover(entryKey),
        // A Cluster client follows the MOVED answers by itself.
        async () => {},
      );
    } finally {
      await cluster.dispose();
    }
  }, 90_000);

  it('Redis Sentinel (master, replica, sentinel): a forced failover mid-run', async () => {
    // A Sentinel failover takes seconds: tokens that outlive it show whether the entry survived.
    lifetimeS = 3 * LIFETIME_S;
    const sentinel = await startRedisSentinel();
    try {
      await runThroughFailover(
        'sentinel',
        () =>
          new Redis({
            sentinels: sentinel.sentinels,
            name: sentinel.name,
            failoverDetector: true,
            maxRetriesPerRequest: 0,
            autoResendUnfulfilledCommands: false,
          }),
        () => sentinel.failover(),
        (clients, to) =>
          until(
            () =>
              clients.every((c) => c.status === 'ready' && (c as Redis).stream?.remotePort === to),
            20_000,
            'the clients did not reconnect to the new master',
          ),
      );
    } finally {
      await sentinel.dispose();
    }
  }, 90_000);
});

/** The Redis key of the fleet's token entry (on whichever master holds it). */
async function findEntry(client: Redis | Cluster, prefix: string): Promise<string> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  for (const node of nodes) {
    const [found] = await node.keys(`${prefix}{*}`);
    if (found !== undefined && !found.endsWith(':lease')) return found;
  }
  throw new Error('no token entry');
}
