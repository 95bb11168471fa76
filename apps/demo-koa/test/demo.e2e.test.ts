import { request as httpRequest } from 'node:http';
import { demoConfigFor, PROVIDER_ROUTES, TENANT_HEADER, TENANT_ROUTE } from '@auth/demo-config';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SLOW_ROUTE } from '../src/app.js';
import { expectNoSecret, type RunningDemo, startDemo } from './support.js';

let emulators: Emulators;
const demos: RunningDemo[] = [];

beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(async () => {
  await emulators?.close();
});
afterEach(async () => {
  await Promise.all(demos.splice(0).map((demo) => demo.close()));
  for (const emulator of emulators.all) {
    emulator.fault(null);
    emulator.resetStats();
  }
});

/** A cold demo app against the emulators. */
async function demo(options: Parameters<typeof startDemo>[1] = {}): Promise<RunningDemo> {
  const running = await startDemo(demoConfigFor(emulators), options);
  demos.push(running);
  return running;
}

/** What each provider route relays from its emulator. */
const EXPECTED: Record<(typeof PROVIDER_ROUTES)[number]['provider'], unknown> = {
  alertsite: {
    results: [
      { id: 1, name: 'web-1' },
      { id: 2, name: 'web-2' },
      { id: 3, name: 'db-1' },
    ],
  },
  klearstack: {
    documents: [
      { id: 101, file_name: 'invoice-0001.pdf', status: 'processed' },
      { id: 102, file_name: 'invoice-0002.pdf', status: 'in_review' },
    ],
  },
  opsramp: {
    results: [],
    totalResults: 0,
    pageNo: 1,
    pageSize: 100,
    totalPages: 0,
    nextPage: false,
    descendingOrder: false,
  },
  aspnet: {
    userName: 'user@example.com',
    userId: '614a1d03-873d-489e-9ab5-fb53b0a0c64f',
    role: 'Administrator',
  },
};

describe('demo-koa over real HTTP', () => {
  it('answers /health and /ping without touching a provider', async () => {
    const { url } = await demo();
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ping = await fetch(`${url}/ping`);
    expect(await ping.text()).toBe('pong');
    for (const emulator of emulators.all) expect(emulator.stats.tokenAttempts).toBe(0);
  });

  it.each(PROVIDER_ROUTES)('$path relays $provider: 200 and its JSON', async (route) => {
    const { url } = await demo();
    const res = await fetch(`${url}${route.path}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(EXPECTED[route.provider]);
    expect(emulators[route.provider].stats.tokenRequests).toBe(1);
  });

  it('50 concurrent requests per provider to a cold app make one token request per provider', async () => {
    const { url } = await demo();
    const requests = PROVIDER_ROUTES.flatMap((route) =>
      Array.from({ length: 50 }, async () => {
        const res = await fetch(`${url}${route.path}`);
        return { provider: route.provider, status: res.status, body: await res.json() };
      }),
    );
    const answers = await Promise.all(requests);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(EXPECTED[answer.provider]);
    }
    for (const route of PROVIDER_ROUTES) {
      const { stats } = emulators[route.provider];
      expect({ provider: route.provider, tokenRequests: stats.tokenRequests }).toEqual({
        provider: route.provider,
        tokenRequests: 1,
      });
      expect(stats.apiCalls).toBe(50);
      expect(stats.unauthorized).toBe(0);
    }
  });

  it('closing the incoming connection aborts the upstream call', async () => {
    const { url, reported } = await demo();
    const { hostname, port } = new URL(url);
    const started = Date.now();
    const req = httpRequest({ host: hostname, port, path: SLOW_ROUTE });
    req.on('error', () => {});
    req.end();
    // The emulator has the slow call (after the login): now the client goes away.
    await vi.waitFor(() => expect(emulators.alertsite.stats.apiCalls).toBe(1), { timeout: 5_000 });
    req.destroy();

    await vi.waitFor(() => expect(emulators.alertsite.stats.abortedApiCalls).toBe(1), {
      timeout: 5_000,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(reported).toEqual([]);
  });

  it('two tenants get two tokens; the same tenant reuses its token; unknown tenants 404', async () => {
    const { url } = await demo();
    const call = (tenant?: string) =>
      fetch(`${url}${TENANT_ROUTE}`, { headers: tenant ? { [TENANT_HEADER]: tenant } : {} });

    const first = await call('client_1234');
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual(EXPECTED.opsramp);
    expect((await call('client_5678')).status).toBe(200);
    expect((await call('client_1234')).status).toBe(200);
    expect((await call('client_5678')).status).toBe(200);
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ client_1234: 1, client_5678: 1 });
    expect(emulators.opsramp.stats.apiCalls).toBe(4);

    const unknown = await call('client_0000');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ status: 404, title: 'Not Found' });
    expect((await call()).status).toBe(404);
    expect(emulators.opsramp.stats.tokenAttempts).toBe(2);
  });

  it('a token endpoint fault gives 502 with the problem body and no secret', async () => {
    emulators.klearstack.fault('error500');
    const { url, reported } = await demo();
    const res = await fetch(`${url}/klearstack/documents`);
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = JSON.parse(text) as { code: string };
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      code: body.code,
      detail: 'Could not obtain an access token from an upstream provider',
    });
    expect(body.code).toMatch(/^TOKEN_/);
    expectNoSecret(text, reported);
    expect(emulators.klearstack.stats.apiCalls).toBe(0);
  });

  it('wrong credentials give 502 TOKEN_ENDPOINT_REJECTED, no secret in the body or the error log', async () => {
    const config = demoConfigFor(emulators);
    config.aspnet = { ...config.aspnet, password: 'wrong-demo-password' };
    const running = await startDemo(config);
    demos.push(running);
    const res = await fetch(`${running.url}/aspnet/me`);
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(JSON.parse(text)).toMatchObject({ status: 502, code: 'TOKEN_ENDPOINT_REJECTED' });
    expect(text).not.toContain('user name or password');
    expectNoSecret(text, running.reported);
    expect(running.reported).toHaveLength(1);
    // The other providers are unaffected.
    expect((await fetch(`${running.url}/alertsite/devices`)).status).toBe(200);
  });

  it('builds the same routes without the adapter (benchmark baseline)', async () => {
    const { url } = await demo({ adapter: false });
    expect(await (await fetch(`${url}/ping`)).text()).toBe('pong');
    for (const route of PROVIDER_ROUTES) {
      const res = await fetch(`${url}${route.path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(EXPECTED[route.provider]);
    }
    const tenant = await fetch(`${url}${TENANT_ROUTE}`, {
      headers: { [TENANT_HEADER]: 'client_5678' },
    });
    expect(tenant.status).toBe(200);
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ client_1234: 1, client_5678: 1 });
  });
});
