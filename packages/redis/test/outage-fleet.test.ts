import { randomUUID } from 'node:crypto';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetInstance, fleetTotals } from './fleet-instance.js';
import { redisControllable, startTestRedis, type TestRedis } from './redis-server.js';
import { until } from './redis-topology.js';

const LIFETIME_S = 2;
const CALLERS = 5;
const OUTAGE_MS = 6_000;
/**
 * Token requests in the 4 s after the reconnect: one per 2 s lifetime for the fleet, plus one at
 * the reconnect (with `'none'` nobody has a token left; with `'memory'` a login may be in flight).
 */
const REQUESTS_AFTER_MAX = 4_000 / (LIFETIME_S * 1000) + 1;
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
      new FleetInstance(
        emulators.aspnet,
        { redis: server.url, prefix, fallback },
        { callers: CALLERS },
      ).start(),
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
      const requestsAtBack = emulators.aspnet.stats.tokenRequests;
      await sleep(4_000);
      await Promise.all(fleet.map((i) => i.stop()));
      const during = (i: FleetInstance) =>
        i.logins().filter((l) => l.time >= downAt && l.time < upAt);
      const loginsDuring = fleet.map((i) => during(i).length);
      // Logins because the API answered 401 (the others renew an expiring token, as without an outage).
      const rejectedLoginsDuring = fleet.map(
        (i) => during(i).filter((l) => l.reason === 'rejected').length,
      );
      // Every call that ended once all stores were ready, also those sent before (while a store was
      // still down): when it started and ended (ms after backAt) and why it failed.
      const failedAfter = fleet.flatMap((i, n) =>
        i.failures
          .filter((f) => f.at >= backAt)
          .map((f) => `#${n} ${f.startedAt - backAt}..${f.at - backAt} ms ${f.why}`),
      );
      const result = {
        loginsDuring,
        rejectedLoginsDuring,
        loginsPerSecond: loginsDuring.reduce((a, b) => a + b, 0) / (OUTAGE_MS / 1000),
        before: fleetTotals(fleet).failed - fleetTotals(fleet, downAt).failed,
        // Calls sent while a store was down, and calls sent before the kill that ended after it.
        during: fleet.map((i) => i.failureCounts(downAt, backAt, 'start')),
        acrossKill: fleet.map((i) => i.failureCounts(0, downAt, 'start')),
        after: fleetTotals(fleet, backAt),
        failedAfter,
        reconnectMs: backAt - upAt,
        tokenRequests: emulators.aspnet.stats.tokenRequests,
        tokenRequestsAfter: emulators.aspnet.stats.tokenRequests - requestsAtBack,
      };
      console.log(
        `[outage fleet] fallback '${fallback}', Redis down ${OUTAGE_MS / 1000} s, 3 instances, ${LIFETIME_S} s tokens: logins per instance while down ${JSON.stringify(loginsDuring)} (${result.loginsPerSecond.toFixed(1)}/s; after a 401 ${JSON.stringify(rejectedLoginsDuring)}); failed before ${result.before}, sent while down or reconnecting ${JSON.stringify(result.during)}, sent before the kill ${JSON.stringify(result.acrossKill)}; ${result.reconnectMs} ms to reconnect, then ${result.after.ok} ok, ${result.after.failed} failed ${JSON.stringify(failedAfter.slice(0, 10))}; token requests ${result.tokenRequests} (${result.tokenRequestsAfter} after the reconnect)`,
      );
      return result;
    } finally {
      await Promise.all(fleet.map((i) => i.stop().catch(() => {})));
    }
  }

  it("fallback: 'memory': one login per revocation on 401s, 0 failed calls once Redis is back", async () => {
    const r = await runOutage('memory');
    // Without the shared store the instances cannot share one token, and on this provider each
    // login revokes the others' tokens. A 401 for a token that worked renews it at once (DESIGN §8,
    // proven tokens), so each instance logs in again once per revocation by a peer, never once
    // per call: its logins after a 401 are at most its peers' logins (+ one each from before).
    const total = r.loginsDuring.reduce((a, b) => a + b, 0);
    r.rejectedLoginsDuring.forEach((logins, n) => {
      expect(logins).toBeLessThanOrEqual(total - (r.loginsDuring[n] ?? 0) + r.loginsDuring.length);
    });
    expect(r.before).toBe(0);
    expect(r.after.ok).toBeGreaterThan(0);
    // From the moment every store is ready: no call fails, and the fleet logs in as one again.
    expect(r.failedAfter).toEqual([]);
    expect(r.tokenRequestsAfter).toBeLessThanOrEqual(REQUESTS_AFTER_MAX);
  }, 60_000);

  it("fallback: 'none': typed errors only while Redis is down", async () => {
    const r = await runOutage('none');
    // No store, no lease: nobody logs in (but a request in flight when Redis died completes).
    for (const logins of r.loginsDuring) expect(logins).toBeLessThanOrEqual(1);
    r.during.forEach((during, n) => {
      const counts = { ...during };
      for (const [why, count] of Object.entries(r.acrossKill[n] ?? {})) {
        counts[why] = (counts[why] ?? 0) + count;
      }
      const untyped = Object.keys(counts).filter((why) => why !== 'TOKEN_STORE_UNAVAILABLE');
      expect(untyped.filter((why) => why !== 'HTTP 401')).toEqual([]);
      // The one exception: a login in flight at the kill revoked the fleet's token, and the calls
      // that carried it get the API's own 401 (a store outage never replaces the API's answer):
      // at most one per caller, since the first one drops the token.
      expect(counts['HTTP 401'] ?? 0).toBeLessThanOrEqual(CALLERS);
    });
    expect(r.during.some((during) => (during.TOKEN_STORE_UNAVAILABLE ?? 0) > 0)).toBe(true);
    expect(r.before).toBe(0);
    expect(r.after.ok).toBeGreaterThan(0);
    expect(r.failedAfter).toEqual([]);
    expect(r.tokenRequestsAfter).toBeLessThanOrEqual(REQUESTS_AFTER_MAX);
  }, 60_000);
});
