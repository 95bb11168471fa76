import { createHash, randomUUID } from 'node:crypto';
import { createAuthClients, presets } from '@auth/core';
import { RedisTokenStore } from '@auth/redis';
import { startEmulators } from '@auth/testing';
import { it } from 'vitest';
import { startTestRedis } from './redis-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 6);

it('debug', async () => {
  for (let round = 0; round < 10; round++) {
  const server = await startTestRedis();
  const emulators = await startEmulators({ lifetimes: { aspnet: 1 } });
  const t0 = Date.now();
  const log: string[] = [];
  const loggingFetch: typeof fetch = async (input, init) => {
    const url = String(input);
    const auth = new Headers(init?.headers).get('authorization');
    const sent = Date.now() - t0;
    const res = await globalThis.fetch(input, init);
    if (url.includes('/Token')) {
      const body = await res.clone().json();
      log.push(`${sent}-${Date.now() - t0} TOKEN -> ${h(body.access_token)}`);
    } else if (res.status !== 200) {
      log.push(`${sent}-${Date.now() - t0} API ${auth ? h(auth.slice(7)) : '-'} -> ${res.status}`);
    }
    return res;
  };
  const store = new RedisTokenStore({ redis: server.url, prefix: `d:${randomUUID()}:`, fallback: 'memory',
    onError: (e) => log.push(`${Date.now() - t0} storeError ${e.message}`) });
  const { origin, credentials } = emulators.aspnet;
  const clients = createAuthClients({ legacy: { ...presets.aspnetToken({ baseUrl: origin, ...credentials }), store, fetch: loggingFetch } });
  const end = t0 + 5000;
  let failed = 0;
  const outage = (async () => { await sleep(1000); await server.stop(); log.push(`${Date.now()-t0} STOPPED`); await sleep(1500); await server.start(); log.push(`${Date.now()-t0} STARTED`); })();
  const caller = async () => { while (Date.now() < end) { const res = await clients.legacy.fetch('me'); await res.arrayBuffer(); if (res.status !== 200) { failed++; log.push(`${Date.now()-t0} FAILED`); } } };
  await Promise.all([outage, ...Array.from({ length: 60 }, caller)]);
  await clients.close();
  console.log(`round ${round} failed ${failed}\n` + (failed ? log.join('\n') : ''));
  await emulators.close(); await server.dispose();
  }
}, 120000);
