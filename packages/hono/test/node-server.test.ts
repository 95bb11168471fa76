import { type ClientRequest, get } from 'node:http';
import { type Emulators, startEmulators, waitFor } from '@auth/testing';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authClients } from '../src/index.js';
import { emulatorClients, listen } from './support.js';

let emulators: Emulators;
let server: { url: string; close(): Promise<void> } | undefined;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const emulator of emulators.all) emulator.resetStats();
});

/** GET `url` on its own connection; resolves with the status, or never if destroyed first. */
function request(url: string): { req: ClientRequest; done: Promise<number> } {
  let req!: ClientRequest;
  const done = new Promise<number>((resolve, reject) => {
    req = get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  done.catch(() => {});
  return { req, done };
}

describe('@hono/node-server 2: the incoming request signal', () => {
  it('aborts c.req.raw.signal when the client disconnects before the response', async () => {
    let reached = false;
    let reason: unknown;
    const app = new Hono().get('/wait', async (c) => {
      const signal = c.req.raw.signal;
      reached = true;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      reason = signal.reason;
      return c.text('too late');
    });
    server = await listen(app.fetch);
    const { req } = request(`${server.url}/wait`);
    await waitFor(() => reached);
    req.destroy();
    await waitFor(() => reason !== undefined);
    // node-server aborts with a string reason ('Error: aborted' or 'Client connection
    // prematurely closed.'), not a DOMException.
    expect(String(reason)).toMatch(/aborted|prematurely closed/);
  });

  it('does not abort it once the response is complete (background work keeps running)', async () => {
    let signal: AbortSignal | undefined;
    const app = new Hono().get('/quick', (c) => {
      signal = c.req.raw.signal;
      return c.text('done');
    });
    server = await listen(app.fetch);
    expect(await request(`${server.url}/quick`).done).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signal?.aborted).toBe(false);
  });
});

describe('authClients() over real HTTP', () => {
  it('aborts the upstream call when the incoming connection closes, logging nothing', async () => {
    const logged = vi.spyOn(console, 'error');
    const clients = emulatorClients(emulators);
    const outcome: { error?: unknown; finishedAfterMs?: number } = {};
    const app = new Hono().use(authClients(clients)).get('/slow', async (c) => {
      const started = Date.now();
      try {
        const res = await c.var.authClients.alertsite.fetch('slow?ms=2000');
        return c.json(await res.json());
      } catch (error) {
        outcome.error = error;
        outcome.finishedAfterMs = Date.now() - started;
        throw error;
      }
    });
    server = await listen(app.fetch);
    // Warm the token so the only outbound call in flight is the slow one.
    await clients.alertsite.getToken();

    const { req } = request(`${server.url}/slow`);
    await waitFor(() => emulators.alertsite.stats.apiCalls === 1);
    req.destroy();
    await waitFor(() => emulators.alertsite.stats.abortedApiCalls === 1);
    await waitFor(() => outcome.finishedAfterMs !== undefined);
    expect(outcome.finishedAfterMs).toBeLessThan(1_500);
    expect(String(outcome.error)).toMatch(/prematurely closed|abort/i);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
    await clients.close();
  });

  it('serves the provider data and reuses one token across requests', async () => {
    const clients = emulatorClients(emulators);
    const app = new Hono().use(authClients(clients)).get('/devices', async (c) => {
      const res = await c.var.authClients.alertsite.fetch('devices');
      return c.json(await res.json(), res.status as 200);
    });
    server = await listen(app.fetch);
    const url = `${server.url}/devices`;
    const answers = await Promise.all(Array.from({ length: 10 }, () => fetch(url)));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await answers[0]?.json()).toHaveProperty('results');
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
    await clients.close();
  });
});
