import { type ClientRequest, get } from 'node:http';
import { demoConfigFor, PROVIDER_ROUTES, TENANT_HEADER, TENANT_ROUTE } from '@auth/demo-config';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SLOW_ROUTE } from '../src/app.js';
import { type DemoServer, startDemoServer } from '../src/server.js';
import { EXPECTED_BODIES, expectAlerts, SECRETS, waitFor } from './support.js';

let emulators: Emulators;
let server: DemoServer | undefined;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const emulator of emulators.all) {
    emulator.fault(null);
    emulator.resetStats();
  }
});

/** A cold demo server (fresh clients, no token yet) on a free port, over @hono/node-server. */
async function coldServer(config = demoConfigFor(emulators)): Promise<DemoServer> {
  server = await startDemoServer({ config, port: 0, graceMs: 100 });
  return server;
}

describe('demo-hono over real HTTP (@hono/node-server)', () => {
  it.each(PROVIDER_ROUTES)('GET $path returns the $provider data', async ({ provider, path }) => {
    const { url } = await coldServer();
    const res = await fetch(`${url}${path}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(EXPECTED_BODIES[provider]);
  });

  it('makes exactly one token request per provider for 50 concurrent requests to a cold app', async () => {
    const { url } = await coldServer();
    const answers = await Promise.all(
      PROVIDER_ROUTES.flatMap(({ provider, path }) =>
        Array.from({ length: 50 }, async () => {
          const res = await fetch(`${url}${path}`);
          return { provider, status: res.status, body: await res.json() };
        }),
      ),
    );
    expect(answers).toHaveLength(200);
    for (const { provider, status, body } of answers) {
      expect(status).toBe(200);
      expect(body).toEqual(EXPECTED_BODIES[provider]);
    }
    for (const emulator of emulators.all) {
      expect({ [emulator.name]: emulator.stats.tokenRequests }).toEqual({ [emulator.name]: 1 });
      expect(emulator.stats.unauthorized).toBe(0);
    }
  });

  it('aborts the upstream call when the incoming connection closes', async () => {
    const { url } = await coldServer();
    let req!: ClientRequest;
    const failed = new Promise<unknown>((resolve) => {
      req = get(`${url}${SLOW_ROUTE}`, { agent: false }, () => resolve('answered'));
      req.on('error', resolve);
    });
    await waitFor(() => emulators.alertsite.stats.apiCalls === 1);
    expect(emulators.alertsite.stats.abortedApiCalls).toBe(0);
    req.destroy();
    await failed;
    await waitFor(() => emulators.alertsite.stats.abortedApiCalls === 1, 1_500);
  });

  it('gets one token per tenant: two tenants two tokens, the same tenant reuses its own', async () => {
    const { url } = await coldServer();
    const [first, second] = emulators.opsramp.tenants.map((t) => t.tenantId);
    const call = (tenant: string | undefined) =>
      fetch(`${url}${TENANT_ROUTE}`, { headers: { [TENANT_HEADER]: tenant ?? '' } });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(i % 2 === 0 ? first : second)),
    );
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(expectAlerts());
    }
    expect((await call(first)).status).toBe(200);
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({
      [first as string]: 1,
      [second as string]: 1,
    });
    const unknown = await call('acme');
    expect(unknown.status).toBe(404);
  });

  it.each([
    ['the token endpoint fails (500)', 'fault'],
    ['the credentials are wrong', 'credentials'],
  ])('answers 502 problem details without a secret when %s', async (_label, kind) => {
    const logged = vi.spyOn(console, 'error');
    const config = demoConfigFor(emulators);
    const wrong = 'Wr0ng-Password-For-Test';
    if (kind === 'fault') emulators.alertsite.fault('error500');
    else config.alertsite.password = wrong;
    const { url } = await coldServer(config);
    const res = await fetch(`${url}/alertsite/devices`);
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(text)).toEqual({
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      code: 'TOKEN_ENDPOINT_REJECTED',
      detail: 'Could not obtain an access token from an upstream provider',
    });
    for (const secret of [...SECRETS, wrong]) expect(text).not.toContain(secret);
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  it('serves /ping and /health without any token request, and closes cleanly', async () => {
    const running = await coldServer();
    expect(await (await fetch(`${running.url}/ping`)).text()).toBe('pong');
    expect(await (await fetch(`${running.url}/health`)).json()).toEqual({ status: 'ok' });
    for (const emulator of emulators.all) expect(emulator.stats.tokenAttempts).toBe(0);
    await running.close();
    await running.close();
    server = undefined;
    await expect(fetch(`${running.url}/ping`)).rejects.toThrow();
  });
});
