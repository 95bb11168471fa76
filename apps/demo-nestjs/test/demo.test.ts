import { type ClientRequest, get } from 'node:http';
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
import { type Emulators, startEmulators } from '@auth/testing';
import type { INestApplication } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDemoApp, type DemoPlatform, SLOW_ROUTE } from '../src/app.js';
import { CapturingLogger, SECRETS, waitFor } from './support.js';

let emulators: Emulators;
/** What each provider route must answer: the upstream data, fetched directly with @auth/core. */
const expected: Record<string, unknown> = {};

beforeAll(async () => {
  emulators = await startEmulators();
  const direct = createDemoClients(demoConfigFor(emulators));
  for (const { provider, upstream } of PROVIDER_ROUTES) {
    const { status, body } = await relay(direct[provider], upstream);
    expect(status).toBe(200);
    expected[provider] = body;
  }
  await direct.close();
  for (const emulator of emulators.all) emulator.resetStats();
});
afterAll(() => emulators?.close());

const PLATFORMS: readonly DemoPlatform[] = ['express', 'fastify'];

describe.each(PLATFORMS)('demo-nestjs on %s over real HTTP', (platform) => {
  let running: { app: INestApplication; url: string; logger: CapturingLogger } | undefined;

  /** A cold demo app (fresh clients, no token yet) on a free loopback port. */
  async function coldApp(config: DemoConfig = demoConfigFor(emulators), adapter = true) {
    const logger = new CapturingLogger();
    const { app } = await createDemoApp({ config, platform, adapter, logger });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    running = { app, url: `http://127.0.0.1:${port}`, logger };
    return running;
  }

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
    for (const emulator of emulators.all) {
      emulator.fault(null);
      emulator.resetStats();
    }
  });

  it('answers /health and /ping without any token request', async () => {
    const { url } = await coldApp();
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ping = await fetch(`${url}/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('pong');
    for (const emulator of emulators.all) expect(emulator.stats.tokenAttempts).toBe(0);
  });

  it.each(PROVIDER_ROUTES)('GET $path returns the $provider data', async ({ provider, path }) => {
    const { url } = await coldApp();
    const res = await fetch(`${url}${path}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(expected[provider]);
  });

  it('makes exactly one token request per provider for 50 concurrent requests to a cold app', async () => {
    const { url } = await coldApp();
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
      expect(body).toEqual(expected[provider]);
    }
    for (const emulator of emulators.all) {
      expect({ [emulator.name]: emulator.stats.tokenRequests }).toEqual({ [emulator.name]: 1 });
      expect(emulator.stats.unauthorized).toBe(0);
    }
  });

  it('aborts the upstream call when the incoming connection closes', async () => {
    const { url } = await coldApp();
    let req!: ClientRequest;
    const ended = new Promise<unknown>((resolve) => {
      req = get(`${url}${SLOW_ROUTE}`, { agent: false }, () => resolve('answered'));
      req.on('error', resolve);
    });
    await waitFor(() => emulators.alertsite.stats.apiCalls === 1);
    expect(emulators.alertsite.stats.abortedApiCalls).toBe(0);
    req.destroy();
    expect(await ended).not.toBe('answered');
    await waitFor(() => emulators.alertsite.stats.abortedApiCalls === 1, 1_500);
  });

  it('gets one token per tenant: two tenants two tokens, the same tenant reuses its own', async () => {
    const { url } = await coldApp();
    const [first, second] = emulators.opsramp.tenants.map((t) => t.tenantId);
    const call = (tenant: string) =>
      fetch(`${url}${TENANT_ROUTE}`, { headers: { [TENANT_HEADER]: tenant } });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call((i % 2 === 0 ? first : second) as string)),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect((await call(first as string)).status).toBe(200);
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({
      [first as string]: 1,
      [second as string]: 1,
    });
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
      expect(JSON.parse(text)).toEqual({
        type: 'about:blank',
        title: 'Bad Gateway',
        status: 502,
        code: 'TOKEN_ENDPOINT_REJECTED',
        detail: 'Could not obtain an access token from an upstream provider',
      });
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
    for (const secret of SECRETS) {
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
      expect(await res.json()).toEqual(expected[provider]);
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
