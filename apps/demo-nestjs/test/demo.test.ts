import type { AddressInfo } from 'node:net';
import {
  createDemoClients,
  type DemoConfig,
  demoConfigFor,
  PROVIDER_ROUTES,
  relay,
  TENANT_HEADER,
  TENANT_ROUTE,
} from '@auth/demo-config';
import { EMULATOR_API_DATA, type Emulators, resetEmulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CapturingLogger } from '../../../packages/nestjs/test/support.js';
import {
  BAD_GATEWAY_PROBLEM,
  DEMO_SECRETS,
  describeDemoApp,
} from '../../demo-config/src/test-support.js';
import { createDemoApp, type DemoPlatform, SLOW_ROUTE } from '../src/app.js';

let emulators: Emulators;

beforeAll(async () => {
  emulators = await startEmulators();
  // What each provider route must answer is the upstream data, as @auth/core fetches it directly.
  const direct = createDemoClients(demoConfigFor(emulators));
  for (const { provider, upstream } of PROVIDER_ROUTES) {
    const { status, body } = await relay(direct[provider], upstream);
    expect(status).toBe(200);
    expect(body).toEqual(EMULATOR_API_DATA[provider]);
  }
  await direct.close();
  resetEmulators(emulators);
});
afterAll(() => emulators?.close());

const PLATFORMS: readonly DemoPlatform[] = ['express', 'fastify'];

/** A demo app (fresh clients, no token yet) on `platform`, on a free loopback port. */
async function listenDemo(config: DemoConfig, platform: DemoPlatform, adapter = true) {
  const logger = new CapturingLogger();
  const { app } = await createDemoApp({ config, platform, adapter, logger });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, logger, close: () => app.close() };
}

describe.each(PLATFORMS)('demo-nestjs on %s over real HTTP', (platform) => {
  let running: Awaited<ReturnType<typeof listenDemo>> | undefined;

  /** A cold demo app against the emulators; closed after the test. */
  async function coldApp(config: DemoConfig = demoConfigFor(emulators), adapter = true) {
    running = await listenDemo(config, platform, adapter);
    return running;
  }

  afterEach(async () => {
    await running?.close();
    running = undefined;
    resetEmulators(emulators);
  });

  describeDemoApp('the scenarios every demo app passes', {
    start: (config) => listenDemo(config, platform),
    slowRoute: SLOW_ROUTE,
  });

  it('answers 404 for an unknown or missing tenant, without asking for a token', async () => {
    const { url } = await coldApp();
    const unknown = await fetch(`${url}${TENANT_ROUTE}`, {
      headers: { [TENANT_HEADER]: 'nobody' },
    });
    expect(unknown.status).toBe(404);
    const missing = await fetch(`${url}${TENANT_ROUTE}`);
    expect(missing.status).toBe(404);
    expect(emulators.opsramp.stats.tokenAttempts).toBe(0);
  });

  it('answers 502 problem details when the token endpoint fails, with no secret', async () => {
    const { url, logger } = await coldApp();
    for (const emulator of emulators.all) emulator.fault('error500');
    for (const { path } of PROVIDER_ROUTES) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const text = await res.text();
      expect(JSON.parse(text)).toEqual(BAD_GATEWAY_PROBLEM);
      for (const secret of DEMO_SECRETS) expect(text).not.toContain(secret);
    }
    for (const secret of DEMO_SECRETS) {
      expect(logger.text()).not.toContain(secret);
    }
  });

  it('answers 502 for wrong credentials, with no secret in the body or the logs', async () => {
    const config = demoConfigFor(emulators);
    const wrong = 'not-the-password-0123';
    const { url, logger } = await coldApp({
      ...config,
      alertsite: { ...config.alertsite, password: wrong },
    });
    const res = await fetch(`${url}/alertsite/devices`);
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 502, code: 'TOKEN_ENDPOINT_REJECTED' });
    expect(text).not.toContain(wrong);
    expect(logger.text()).toContain('TOKEN_ENDPOINT_REJECTED');
    expect(logger.text()).not.toContain(wrong);
  });

  it('serves the same routes without the adapter (the benchmark baseline)', async () => {
    const { url } = await coldApp(demoConfigFor(emulators), false);
    expect(await (await fetch(`${url}/ping`)).text()).toBe('pong');
    for (const { provider, path } of PROVIDER_ROUTES) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(EMULATOR_API_DATA[provider]);
    }
    const [tenant] = emulators.opsramp.tenants;
    const perTenant = await fetch(`${url}${TENANT_ROUTE}`, {
      headers: { [TENANT_HEADER]: tenant?.tenantId as string },
    });
    expect(perTenant.status).toBe(200);
    expect((await fetch(`${url}${TENANT_ROUTE}`)).status).toBe(404);
  });

  it('answers 502 problem details without the adapter too', async () => {
    const { url } = await coldApp(demoConfigFor(emulators), false);
    emulators.aspnet.fault('error500');
    const res = await fetch(`${url}/aspnet/me`);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ status: 502, code: 'TOKEN_ENDPOINT_REJECTED' });
  });
});
