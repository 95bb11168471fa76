// Scenario 6, one measurement per process. Forked by run.mjs with --expose-gc:
//   node --expose-gc memory.mjs hot '<json options>'
//   node --expose-gc memory.mjs rawfetch '<json options>'   (control: plain fetch, fixed token)
//   node --expose-gc memory.mjs tenants '<json options>'
// Answers { type: 'result', result } over IPC (or prints it when run by hand), then exits.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createAuthClients, flows, MemoryTokenStore } from '@auth/core';

if (typeof globalThis.gc !== 'function') {
  throw new Error('run with node --expose-gc');
}

/** Heap in use after full collections (a few rounds so that finalizers and weak refs settle). */
async function settledHeap() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** `count` API calls with `concurrency` callers, bodies read. */
async function fetchMany(client, path, count, concurrency) {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const res = await client.fetch(path);
        await res.arrayBuffer();
        if (!res.ok) failed++;
      }
    }),
  );
  return failed;
}

function opsrampFlow(target, extra = {}) {
  return flows.clientCredentials({
    tokenUrl: target.tokenUrl,
    clientId: target.clientId,
    clientSecret: target.clientSecret,
    ...extra,
  });
}

/** 1,000,000 getToken() + 20,000 fetches on one client with a long-lived token. */
async function hot({ target, getTokenCalls, fetches }) {
  const clients = createAuthClients({
    opsramp: { baseUrl: target.baseUrl, flow: opsrampFlow(target) },
  });
  const client = clients.opsramp;
  // Warm-up: token obtained, connection pool filled, code paths compiled.
  await fetchMany(client, target.path, 1_000, 50);
  for (let i = 0; i < 20_000; i++) await client.getToken();
  const before = await settledHeap();

  const t0 = performance.now();
  for (let i = 0; i < getTokenCalls; i++) await client.getToken();
  const getTokenMs = performance.now() - t0;
  const afterGetToken = await settledHeap();
  const failed = await fetchMany(client, target.path, fetches, 50);
  const after = await settledHeap();
  await clients.close();
  return {
    getTokenCalls,
    fetches,
    failedFetches: failed,
    getTokenPerSec: Math.round((getTokenCalls / getTokenMs) * 1000),
    heapBeforeBytes: before,
    heapAfterBytes: after,
    growthAfterGetTokenBytes: afterGetToken - before,
    growthBytes: after - before,
  };
}

/** A token endpoint answered in-process: every distinct tenant gets its own fresh token. */
const stubFetch = async () =>
  new Response(
    JSON.stringify({
      access_token: randomUUID(),
      token_type: 'bearer',
      expires_in: 7200,
      scope: 'global:manage',
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );

function tenantClients(target, { maxCachedTenants, storeMaxEntries }) {
  return createAuthClients({
    perTenant: {
      baseUrl: target.baseUrl,
      fetch: stubFetch,
      ...(maxCachedTenants ? { maxCachedTenants } : {}),
      ...(storeMaxEntries ? { store: new MemoryTokenStore({ maxEntries: storeMaxEntries }) } : {}),
      // Per-tenant credentials: the flow is chosen per request's tenant (part of the cache key).
      flow: ({ tenant }) =>
        opsrampFlow(target, { clientId: `${target.clientId}-${tenant}`, scope: 'global:read' }),
    },
  });
}

/** Tokens for N distinct tenants; heap growth at each checkpoint. */
async function tenants({ target, tenants: total, checkpoints, maxCachedTenants, storeMaxEntries }) {
  const options = { maxCachedTenants, storeMaxEntries };
  // Warm-up on a throw-away client so that compiled code is not counted as growth.
  const warm = tenantClients(target, options);
  for (let i = 0; i < 300; i++)
    await warm.perTenant.withContext({ tenant: `warm-${i}` }).getToken();
  await warm.close();

  const before = await settledHeap();
  const clients = tenantClients(target, options);
  const growth = [];
  let done = 0;
  const t0 = performance.now();
  for (const checkpoint of checkpoints) {
    let next = done;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < checkpoint) {
          const tenant = `tenant-${next++}`;
          await clients.perTenant.withContext({ tenant }).getToken();
        }
      }),
    );
    done = checkpoint;
    growth.push({ tenants: checkpoint, growthBytes: (await settledHeap()) - before });
  }
  const elapsedMs = performance.now() - t0;
  await clients.close();
  return {
    tenants: total,
    maxCachedTenants: maxCachedTenants ?? 'default',
    storeMaxEntries: storeMaxEntries ?? 'default',
    growth,
    elapsedMs: Math.round(elapsedMs),
  };
}

/** Control for the hot path: the same fetches with plain fetch and a fixed token. */
async function rawfetch({ target, fetches }) {
  const res = await fetch(target.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: target.clientId,
      client_secret: target.clientSecret,
    }),
  });
  const headers = { authorization: `Bearer ${(await res.json()).access_token}` };
  const url = new URL(target.path, target.baseUrl);
  const plain = { fetch: (path) => fetch(new URL(path, target.baseUrl), { headers }) };
  await fetchMany(plain, url.href, 1_000, 50);
  const before = await settledHeap();
  const failed = await fetchMany(plain, url.href, fetches, 50);
  const after = await settledHeap();
  return { fetches, failedFetches: failed, growthBytes: after - before };
}

const [mode, json] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}');
const modes = { hot, rawfetch, tenants };
const result = await modes[mode](options);
if (process.send) {
  process.send({ type: 'result', result }, () => process.exit(0));
} else {
  console.log(JSON.stringify(result, null, 2));
}
