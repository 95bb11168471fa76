import { randomUUID } from 'node:crypto';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetInstance, fleetTotals } from './fleet-instance.js';
import { redisControllable, startTestRedis, type TestRedis } from './redis-server.js';
import { until } from './redis-topology.js';

const LIFETIME_S = 2;
const OUTAGE_MS = 6_000;
/** The client's first backoff delay (core's default), the unit of the 401 budget. */
const BACKOFF_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Three instances under the single-active-token emulator; Redis is killed (SIGKILL) for 6 s and
 * started again (empty). Logins per instance are counted from its `token.success` events.
 */
describe.skipIf(!redisControllable)('a fleet while Redis is down for 6 s', () => {
  let server: TestRedis;
  let emulators: Emulators;

  beforeAll(async () => {
    server = await startTestRedis();
    emulators = await startEmulators({ lifetimes: { aspnet: LIFETIME_S } });
  });
  afterAll(async () => {
    await emulators?.close();
    await server?.dispose();
  });

  async function runOutage(fallback: 'memory' | 'none') {
    emulators.aspnet.revokeAll();
    emulators.aspnet.resetStats();
    const prefix = `outage:${randomUUID()}:`;
    const fleet = [0, 1, 2].map(() =>
      new FleetInstance(emulators.aspnet, { redis: server.url, prefix, fallback }).start(),
    );
    try {
      await sleep(2_000);
      const downAt = Date.now();
      await server.stop();
      await sleep(OUTAGE_MS);
      await server.start();
      const upAt = Date.now();
      await until(
        () => fleet.every((i) => JSON.parse(JSON.stringify(i.store)).ready === true),
        10_000,
        'the stores did not reconnect',
      );
      const backAt = Date.now();
      // Token requests an instance started on its own during the outage may still land after the
      // reconnect (and revoke a peer's token once more): give them one backoff interval.
      const settledAt = backAt + BACKOFF_MS;
      await sleep(4_000);
      await Promise.all(fleet.map((i) => i.stop()));
      const during = (i: FleetInstance) =>
        i.logins().filter((l) => l.time >= downAt && l.time < upAt);
      const loginsDuring = fleet.map((i) => during(i).length);
      // Logins because the API answered 401 (the others renew an expiring token, as without an outage).
      const rejectedLoginsDuring = fleet.map(
        (i) => during(i).filter((l) => l.reason === 'rejected').length,
      );
      const result = {
        loginsDuring,
        rejectedLoginsDuring,
        loginsPerSecond: loginsDuring.reduce((a, b) => a + b, 0) / (OUTAGE_MS / 1000),
        before: fleetTotals(fleet).failed - fleetTotals(fleet, downAt).failed,
        during: fleet.map((i) => i.failureCounts(downAt, backAt)),
        after: fleetTotals(fleet, backAt),
        settling: fleetTotals(fleet, backAt).failed - fleetTotals(fleet, settledAt).failed,
        settled: fleetTotals(fleet, settledAt),
        reconnectMs: backAt - upAt,
        tokenRequests: emulators.aspnet.stats.tokenRequests,
      };
      console.log(
        `[outage fleet] fallback '${fallback}', Redis down ${OUTAGE_MS / 1000} s, 3 instances, ${LIFETIME_S} s tokens: logins per instance while down ${JSON.stringify(loginsDuring)} (${result.loginsPerSecond.toFixed(1)}/s; after a 401 ${JSON.stringify(rejectedLoginsDuring)}); failed before ${result.before}, while down or reconnecting ${JSON.stringify(result.during)}, after (${result.reconnectMs} ms to reconnect) ${result.after.failed} of ${result.after.ok + result.after.failed} (${result.settling} in the first ${BACKOFF_MS} ms); token requests ${result.tokenRequests}`,
      );
      return result;
    } finally {
      await Promise.all(fleet.map((i) => i.stop().catch(() => {})));
    }
  }

  it("fallback: 'memory': at most one login per instance per backoff interval on 401s, 0 failed calls one backoff interval after Redis is back", async () => {
    const r = await runOutage('memory');
    // The 401 budget: at most one renewal per backoff interval on 401s (the others renew an
    // expiring 2 s token, about one per 2 s, as they would without the outage).
    for (const logins of r.rejectedLoginsDuring) {
      expect(logins).toBeLessThanOrEqual(OUTAGE_MS / BACKOFF_MS);
    }
    for (const logins of r.loginsDuring) {
      expect(logins).toBeLessThanOrEqual(OUTAGE_MS / BACKOFF_MS + OUTAGE_MS / (LIFETIME_S * 1000));
    }
    expect(r.before).toBe(0);
    expect(r.settled.ok).toBeGreaterThan(0);
    expect(r.settled.failed).toBe(0);
  }, 60_000);

  it("fallback: 'none': typed errors only while Redis is down", async () => {
    const r = await runOutage('none');
    // No store, no lease: nobody logs in (but a request in flight when Redis died completes).
    for (const logins of r.loginsDuring) expect(logins).toBeLessThanOrEqual(1);
    for (const during of r.during) {
      expect(Object.keys(during).filter((why) => why !== 'TOKEN_STORE_UNAVAILABLE')).toEqual([]);
    }
    expect(r.during.some((during) => (during.TOKEN_STORE_UNAVAILABLE ?? 0) > 0)).toBe(true);
    expect(r.before).toBe(0);
    expect(r.after.ok).toBeGreaterThan(0);
    expect(r.after.failed).toBe(0);
  }, 60_000);
});
