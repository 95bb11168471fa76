import {
  createDemoClients,
  demoConfigFor,
  PROVIDER_ROUTES,
  TENANT_HEADER,
  TENANT_ROUTE,
} from '@auth/demo-config';
import { EMULATOR_API_DATA, type Emulators, resetEmulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BAD_GATEWAY_PROBLEM, DEMO_SECRETS } from '../../demo-config/src/test-support.js';
import { createDemoApp, type DemoApp } from '../src/app.js';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());

describe.each([
  ['with the adapter', true],
  ['without the adapter (benchmark baseline)', false],
])('demo app in-process (app.request), %s', (_label, adapter) => {
  let demo: DemoApp;
  beforeAll(() => {
    demo = createDemoApp({ config: demoConfigFor(emulators), adapter });
  });
  afterAll(() => demo.clients.close());
  afterEach(() => resetEmulators(emulators));

  it('answers /health and /ping without touching a provider', async () => {
    expect(await (await demo.app.request('/health')).json()).toEqual({ status: 'ok' });
    const ping = await demo.app.request('/ping');
    expect(await ping.text()).toBe('pong');
    for (const emulator of emulators.all) expect(emulator.stats.tokenAttempts).toBe(0);
  });

  it.each(PROVIDER_ROUTES)('relays $path from $provider', async ({ provider, path }) => {
    const res = await demo.app.request(path);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(EMULATOR_API_DATA[provider]);
  });

  it('relays the tenant route per x-tenant-id; unknown or missing tenant is 404', async () => {
    const [first, second] = emulators.opsramp.tenants;
    for (const tenant of [first?.tenantId, second?.tenantId]) {
      const res = await demo.app.request(TENANT_ROUTE, {
        headers: { [TENANT_HEADER]: tenant ?? '' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(EMULATOR_API_DATA.opsramp);
    }
    const unknown = await demo.app.request(TENANT_ROUTE, { headers: { [TENANT_HEADER]: 'acme' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'unknown_tenant' });
    expect((await demo.app.request(TENANT_ROUTE)).status).toBe(404);
  });

  it('answers 502 problem details on a token endpoint fault, with no secret', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { app, clients } = createDemoApp({ config: demoConfigFor(emulators), adapter });
    emulators.klearstack.fault('error500');
    const res = await app.request('/klearstack/documents');
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(text)).toEqual(BAD_GATEWAY_PROBLEM);
    for (const secret of DEMO_SECRETS) expect(text).not.toContain(secret);
    // The adapter logs the failed token request once; the app's own onError logs nothing.
    expect(logged.mock.calls.map(([line]) => String(line))).toEqual(
      adapter ? [expect.stringMatching(/^Token request failed for client "klearstack"/)] : [],
    );
    for (const secret of DEMO_SECRETS) expect(String(logged.mock.calls)).not.toContain(secret);
    logged.mockRestore();
    await clients.close();
  });

  it('builds from ready clients too', async () => {
    const clients = createDemoClients(demoConfigFor(emulators));
    const { app } = createDemoApp({ clients, adapter });
    expect((await app.request('/aspnet/me')).status).toBe(200);
    await clients.close();
  });
});
