/**
 * `pnpm demo`: starts the provider emulators and the five demo apps (NestJS, Koa, Hono, Express,
 * Fastify), drives every route of every app, then shows the token lifecycle (forced expiry, a 401
 * recovered, a fleet sharing one Redis token), the same rules through axios and undici, and the
 * OpenTelemetry numbers of the registries the tour runs in its own process (read from the SDK's
 * in-memory reader). Prints a table; exits 0 when every row holds, 1 with the failing rows
 * otherwise.
 * `pnpm demo --keep` leaves everything running and prints URLs and curl lines.
 */
import {
  createDemoClients,
  demoConfigFor,
  demoEnvFor,
  PROVIDER_ROUTES,
  TENANT_HEADER,
  TENANT_ROUTE,
} from '@auth/demo-config';
import { RedisTokenStore } from '@auth/redis';
import {
  type Emulators,
  isRedisServerAvailable,
  type ProviderName,
  startEmulators,
  startRedisServer,
} from '@auth/testing';
import { axiosRow, undiciRow } from './client-rows.js';
import { DEMO_APPS, type RunningApp, startApp } from './demo-processes.js';
import { createDemoMetrics, type DemoMetrics } from './metrics-summary.js';
import { bold, dim, green, progress, red, table, yellow } from './terminal.js';

interface Row {
  check: string;
  status: string;
  tokenRequests: string;
  latency: string;
  ok: boolean;
  /** The row could not run here (e.g. no `redis-server`): counted as skipped, never as held. */
  skipped?: boolean;
}

const CALLS_PER_ROUTE = 20;
const keep = process.argv.includes('--keep');
const cleanup: (() => Promise<void>)[] = [];
const rows: Row[] = [];

async function main(): Promise<number> {
  const started = performance.now();
  const metrics = createDemoMetrics();
  cleanup.push(() => metrics.close());
  const emulators = await progress('starting the provider emulators', () => startEmulators());
  cleanup.push(() => emulators.close());
  const env = demoEnvFor(emulators);
  const apps: RunningApp[] = [];
  for (const app of DEMO_APPS) {
    const running = await progress(`starting demo-${app.adapter}`, () => startApp(app, env));
    cleanup.push(running.stop);
    apps.push(running);
  }

  for (const app of apps) {
    for (const route of PROVIDER_ROUTES) {
      rows.push(await driveRoute(emulators, app, route.provider, route.path));
    }
  }
  for (const app of apps) rows.push(await driveTenants(emulators, app));
  rows.push(await forcedExpiry(metrics));
  rows.push(await recovered401(emulators, apps[1] ?? (apps[0] as RunningApp)));
  rows.push(await fleet(emulators));
  rows.push(await axiosRow(emulators), await undiciRow(emulators));
  rows.push(await observedInProcess(emulators, metrics));

  console.log(
    `\n${table(['check', 'HTTP', 'token requests', 'latency', ''], rows.map(toCells))}\n`,
  );
  console.log(bold('OpenTelemetry, this process (@auth/opentelemetry → SDK in-memory reader):'));
  for (const line of await metrics.summary()) console.log(`  ${line}`);
  console.log('');
  const failed = rows.filter((row) => !row.ok);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (failed.length > 0) {
    console.log(red(`✖ ${failed.length} row(s) failed: ${failed.map((r) => r.check).join('; ')}`));
    return 1;
  }
  const skipped = rows.filter((row) => row.skipped);
  if (skipped.length > 0) {
    const why = skipped.map((row) => `${row.check}: ${row.tokenRequests}`).join('; ');
    const held = rows.length - skipped.length;
    console.log(
      yellow(
        `! ${held} of ${rows.length} rows hold, ${skipped.length} SKIPPED (${why}) (${seconds} s)`,
      ),
    );
  } else {
    console.log(green(`✔ all ${rows.length} rows hold (${seconds} s)`));
  }
  if (keep) await keepRunning(emulators, apps);
  return 0;
}

/** Status of one call, its body drained. */
async function statusOf(url: string, init?: RequestInit): Promise<number> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

function toCells(row: Row): string[] {
  return [
    row.check,
    row.status,
    row.tokenRequests,
    row.latency,
    row.skipped ? yellow('skipped') : row.ok ? green('ok') : red('FAILED'),
  ];
}

/** One cold call, then 20 concurrent ones: all 200, and one token request for the app. */
async function driveRoute(
  emulators: Emulators,
  app: RunningApp,
  provider: ProviderName,
  path: string,
): Promise<Row> {
  const stats = emulators[provider].stats;
  const before = stats.tokenRequests;
  const t0 = performance.now();
  const first = await fetch(`${app.url}${path}`);
  await first.arrayBuffer();
  const latency = performance.now() - t0;
  const rest = await Promise.all(
    Array.from({ length: CALLS_PER_ROUTE }, () => statusOf(`${app.url}${path}`)),
  );
  const tokens = stats.tokenRequests - before;
  const allOk = first.status === 200 && rest.every((status) => status === 200);
  return {
    check: `${app.adapter} × ${provider}`,
    status: String(first.status),
    tokenRequests: `${tokens} for ${CALLS_PER_ROUTE + 1} calls`,
    latency: `${latency.toFixed(0)} ms (cold)`,
    ok: allOk && tokens === 1,
  };
}

/** Two tenants get two tokens; the same tenant reuses one. */
async function driveTenants(emulators: Emulators, app: RunningApp): Promise<Row> {
  const tenants = emulators.opsramp.tenants.map((t) => t.tenantId);
  const before = emulators.opsramp.stats.tokenRequests;
  const t0 = performance.now();
  const statuses = await Promise.all(
    [...tenants, ...tenants, ...tenants].map((tenant) =>
      statusOf(`${app.url}${TENANT_ROUTE}`, { headers: { [TENANT_HEADER]: tenant } }),
    ),
  );
  const tokens = emulators.opsramp.stats.tokenRequests - before;
  return {
    check: `${app.adapter} × opsramp per tenant (${tenants.length} tenants)`,
    status: [...new Set(statuses)].join(','),
    tokenRequests: `${tokens} for ${statuses.length} calls`,
    latency: `${(performance.now() - t0).toFixed(0)} ms`,
    ok: statuses.every((s) => s === 200) && tokens === tenants.length,
  };
}

/**
 * 1 s tokens under 3 s of load: refreshed early in the background, no call fails. On a loaded
 * machine a call sent just before expiry can arrive after it: its 401 is retried, and counted.
 */
async function forcedExpiry(metrics: DemoMetrics): Promise<Row> {
  const short = await startEmulators({ lifetimes: { opsramp: 1 } });
  const clients = createDemoClients(demoConfigFor(short));
  metrics.instrument(clients);
  let calls = 0;
  let failed = 0;
  const until = performance.now() + 3_000;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (performance.now() < until) {
        const res = await clients.opsramp.fetch('alerts/search');
        await res.arrayBuffer();
        calls += 1;
        if (res.status !== 200) failed += 1;
      }
    }),
  );
  const { tokenRequests, unauthorized } = short.opsramp.stats;
  await clients.close();
  await short.close();
  return {
    check: `lifecycle: 1 s tokens, 3 s of load (${calls} calls)`,
    status: `${failed} failed`,
    tokenRequests: `${tokenRequests} (≤ 4 expected), ${unauthorized} upstream 401 retried`,
    latency: '',
    ok: failed === 0 && tokenRequests <= 4,
  };
}

/** The provider revokes every token: the next call gets a 401, renews and succeeds. */
async function recovered401(emulators: Emulators, app: RunningApp): Promise<Row> {
  const stats = emulators.alertsite.stats;
  const [tokensBefore, unauthorizedBefore] = [stats.tokenRequests, stats.unauthorized];
  emulators.alertsite.revokeAll();
  const t0 = performance.now();
  const res = await fetch(`${app.url}/alertsite/devices`);
  await res.arrayBuffer();
  const tokens = stats.tokenRequests - tokensBefore;
  const unauthorized = stats.unauthorized - unauthorizedBefore;
  return {
    check: `lifecycle: tokens revoked, ${app.adapter} recovers from the 401`,
    status: String(res.status),
    tokenRequests: `${tokens} after ${unauthorized} upstream 401`,
    latency: `${(performance.now() - t0).toFixed(0)} ms`,
    ok: res.status === 200 && tokens === 1 && unauthorized === 1,
  };
}

/** Two instances of one app share a Redis: one login to the single-active-token provider. */
async function fleet(emulators: Emulators): Promise<Row> {
  const check = 'fleet: 2 instances, 1 Redis, /Token revokes old tokens';
  if (!isRedisServerAvailable()) {
    return {
      check,
      status: 'skipped',
      tokenRequests: 'no redis-server on the PATH',
      latency: '',
      ok: true,
      skipped: true,
    };
  }
  const redis = await startRedisServer();
  const app = DEMO_APPS[2];
  const instances: RunningApp[] = [];
  try {
    const env = { ...demoEnvFor(emulators), REDIS_URL: redis.url };
    for (let i = 0; i < 2; i++) instances.push(await startApp(app, env));
    const before = emulators.aspnet.stats.tokenRequests;
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => statusOf(`${instances[i % 2]?.url}/aspnet/me`)),
    );
    const tokens = emulators.aspnet.stats.tokenRequests - before;
    return {
      check,
      status: [...new Set(statuses)].join(','),
      tokenRequests: `${tokens} for ${statuses.length} calls on 2 instances`,
      latency: '',
      ok: statuses.every((s) => s === 200) && tokens === 1,
    };
  } finally {
    await Promise.all(instances.map((i) => i.stop()));
    await redis.dispose();
  }
}

/**
 * Two registries in this process sharing one Redis (two instances of a service), instrumented:
 * 40 concurrent calls to the single-active-token provider make 1 login while the other instance
 * waits on the lease, then revoked tokens cost one 401 and one new login. Without redis-server,
 * one registry (two with separate memory stores would revoke each other's tokens).
 */
async function observedInProcess(emulators: Emulators, metrics: DemoMetrics): Promise<Row> {
  const redis = isRedisServerAvailable() ? await startRedisServer() : undefined;
  const config = demoConfigFor(emulators);
  const instances = (redis ? [0, 1] : [0]).map(() =>
    createDemoClients(config, redis ? { store: new RedisTokenStore({ redis: redis.url }) } : {}),
  );
  try {
    for (const clients of instances) metrics.instrument(clients);
    const stats = emulators.aspnet.stats;
    const before = stats.tokenRequests;
    const call = async (i: number) => {
      const clients = instances[i % instances.length] as (typeof instances)[number];
      const res = await clients.aspnet.fetch('me');
      await res.arrayBuffer();
      return res.status;
    };
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => call(i)));
    const logins = stats.tokenRequests - before;
    emulators.aspnet.revokeAll();
    const unauthorizedBefore = stats.unauthorized;
    statuses.push(await call(0));
    const renewed = stats.tokenRequests - before - logins;
    const unauthorized = stats.unauthorized - unauthorizedBefore;
    return {
      check: `observed: ${instances.length} registr${redis ? 'ies in this process, 1 Redis' : 'y in this process'}, then tokens revoked`,
      status: [...new Set(statuses)].join(','),
      tokenRequests: `${logins} for 40 calls, then ${renewed} after ${unauthorized} upstream 401`,
      latency: '',
      ok: statuses.every((s) => s === 200) && logins === 1 && renewed === 1 && unauthorized === 1,
    };
  } finally {
    await Promise.all(instances.map((clients) => clients.close()));
    await redis?.dispose();
  }
}

async function keepRunning(emulators: Emulators, apps: RunningApp[]): Promise<void> {
  console.log(bold('\nStill running (Ctrl-C to stop):'));
  for (const provider of emulators.all)
    console.log(
      `  ${provider.name.padEnd(11)} token ${provider.tokenUrl}  api ${provider.apiBaseUrl}`,
    );
  for (const app of apps) console.log(`  demo-${app.adapter.padEnd(7)} ${app.url}`);
  const app = apps[0];
  if (app) {
    console.log(dim('\nTry:'));
    for (const route of PROVIDER_ROUTES) console.log(`  curl ${app.url}${route.path}`);
    console.log(`  curl -H '${TENANT_HEADER}: client_5678' ${app.url}${TENANT_ROUTE}`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

const timeout = keep
  ? undefined
  : setTimeout(() => {
      console.error(red('✖ the demo took longer than 60 s'));
      process.exit(1);
    }, 60_000);
let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(red(`✖ ${error instanceof Error ? error.message : String(error)}`));
} finally {
  for (const stop of cleanup.reverse()) await stop().catch(() => {});
  clearTimeout(timeout);
}
process.exit(code);
