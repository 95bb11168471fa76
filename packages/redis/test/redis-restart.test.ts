import { randomUUID } from 'node:crypto';
import { createAuthClients, isAuthError, presets } from '@auth/core';
import { RedisTokenStore } from '@auth/redis';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisControllable, startTestRedis, type TestRedis } from './redis-server.js';

// One instance, in this process (so 'unhandledRejection' is watched where the store runs). The
// emulator shares this process with the callers: 30 callers and 2 s tokens keep API latency well
// below the token lifetime even on a busy machine, so a failure here is the store's, not the load's.
const CONCURRENCY = 30;
const LIFETIME_S = 2;
const RUN_MS = 6_500;
const STOP_AT_MS = 1_000; // the token issued at 0 refreshes at 1.8 s and expires at 2 s: inside the outage
const DOWN_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!redisControllable)('Redis stopped mid-run and started again (same port)', () => {
  let server: TestRedis;
  let emulators: Emulators;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startTestRedis();
    emulators = await startEmulators({ lifetimes: { aspnet: LIFETIME_S } });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await emulators?.close();
    await server?.dispose();
  });

  /** CONCURRENCY callers for RUN_MS; Redis is killed at STOP_AT_MS and restarted DOWN_MS later. */
  async function run(fallback: 'memory' | 'none') {
    const { origin, credentials } = emulators.aspnet;
    const storeErrors: string[] = [];
    const store = new RedisTokenStore({
      redis: server.url,
      prefix: `restart:${randomUUID()}:`,
      fallback,
      onError: (error) => storeErrors.push(error.code),
    });
    const clients = createAuthClients({
      legacy: { ...presets.aspnetToken({ baseUrl: origin, ...credentials }), store },
    });
    emulators.aspnet.revokeAll();
    emulators.aspnet.resetStats();
    const started = Date.now();
    const end = started + RUN_MS;
    let restartedAt = Number.POSITIVE_INFINITY;
    const result = {
      ok: 0,
      failed: 0,
      codes: {} as Record<string, number>,
      lastFailureMs: 0,
      lastOkMs: 0,
    };
    const outage = (async () => {
      await sleep(STOP_AT_MS);
      await server.stop();
      await sleep(DOWN_MS);
      await server.start();
      restartedAt = Date.now();
    })();
    const caller = async () => {
      while (Date.now() < end) {
        try {
          const res = await clients.legacy.fetch('me');
          await res.arrayBuffer();
          if (res.status === 200) {
            result.ok++;
            result.lastOkMs = Date.now() - started;
          } else throw new Error(`HTTP ${res.status}`);
        } catch (error) {
          result.failed++;
          const code = isAuthError(error) ? error.code : String(error);
          result.codes[code] = (result.codes[code] ?? 0) + 1;
          result.lastFailureMs = Date.now() - started;
          await sleep(10); // a failing caller does not spin
        }
      }
    };
    await Promise.all([outage, ...Array.from({ length: CONCURRENCY }, caller)]);
    await clients.close();
    const restartMs = restartedAt - started;
    console.log(
      `[restart] fallback '${fallback}', ${CONCURRENCY} callers, ${LIFETIME_S} s tokens: Redis down ${STOP_AT_MS}-${restartMs} ms of ${RUN_MS} ms; calls ok ${result.ok}, failed ${result.failed} ${JSON.stringify(result.codes)}${result.failed ? `, last failure at ${result.lastFailureMs} ms` : ''}; token requests ${emulators.aspnet.stats.tokenRequests}; store errors reported ${storeErrors.length}`,
    );
    return { ...result, restartMs, storeErrors };
  }

  it("fallback: 'memory': no call fails", async () => {
    const r = await run('memory');
    expect(r.failed).toBe(0);
    expect(r.ok).toBeGreaterThan(0);
    expect(r.storeErrors.length).toBeGreaterThan(0); // the outage was noticed and served from memory
    await sleep(50);
    expect(unhandled).toEqual([]);
  }, 30_000);

  it("fallback: 'none': calls fail only with TOKEN_STORE_UNAVAILABLE, and recover", async () => {
    const r = await run('none');
    expect(Object.keys(r.codes).filter((code) => code !== 'TOKEN_STORE_UNAVAILABLE')).toEqual([]);
    expect(r.failed).toBeGreaterThan(0); // a 2 s token cannot outlive a 2 s outage that starts at 1 s
    // Recovered: no failure later than the restart + the manager's backoff (<= 2 s after 2
    // failures, + slack), and calls succeed after it.
    expect(r.lastFailureMs).toBeLessThan(r.restartMs + 2_500);
    expect(r.lastOkMs).toBeGreaterThan(r.lastFailureMs);
    await sleep(50);
    expect(unhandled).toEqual([]);
  }, 30_000);
});
