import { demoConfigFor, PROVIDER_ROUTES, TENANT_HEADER, TENANT_ROUTE } from '@auth/demo-config';
import { EMULATOR_API_DATA, type Emulators, resetEmulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { leaveDuringUpstreamCall } from '../../../packages/koa/test/support.js';
import { BAD_GATEWAY_PROBLEM, describeDemoApp } from '../../demo-config/src/test-support.js';
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
  resetEmulators(emulators);
});

/** A cold demo app against the emulators. */
async function demo(options: Parameters<typeof startDemo>[1] = {}): Promise<RunningDemo> {
  const running = await startDemo(demoConfigFor(emulators), options);
  demos.push(running);
  return running;
}

describe('demo-fastify over real HTTP', () => {
  describeDemoApp('the scenarios every demo app passes', {
    start: (config) => startDemo(config),
    slowRoute: SLOW_ROUTE,
  });

  it('closing the incoming connection aborts the upstream call and logs no error', async () => {
    const { url, logs } = await demo();
    expect(await leaveDuringUpstreamCall(url, SLOW_ROUTE, emulators.alertsite)).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logs.map((line) => JSON.parse(line).level).filter((level) => level >= 40)).toEqual([]);
  });

  it('a token endpoint fault gives 502 with the problem body and no secret', async () => {
    emulators.klearstack.fault('error500');
    const { url } = await demo();
    const res = await fetch(`${url}/klearstack/documents`);
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
    const body = JSON.parse(text) as { code: string };
    expect(body).toEqual({ ...BAD_GATEWAY_PROBLEM, code: body.code });
    expect(body.code).toMatch(/^TOKEN_/);
    expectNoSecret(text);
    expect(emulators.klearstack.stats.apiCalls).toBe(0);
  });

  it('wrong credentials give 502 TOKEN_ENDPOINT_REJECTED with no secret; other providers still work', async () => {
    const config = demoConfigFor(emulators);
    config.aspnet = { ...config.aspnet, password: 'wrong-demo-password' };
    const running = await startDemo(config);
    demos.push(running);
    const res = await fetch(`${running.url}/aspnet/me`);
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(JSON.parse(text)).toEqual(BAD_GATEWAY_PROBLEM);
    expect(text).not.toContain('user name or password');
    expectNoSecret(text, running.logs);
    expect(running.logs.filter((line) => JSON.parse(line).level === 50)).toHaveLength(1);
    expect((await fetch(`${running.url}/alertsite/devices`)).status).toBe(200);
  });

  it('builds the same routes without the adapter (benchmark baseline)', async () => {
    const { url } = await demo({ adapter: false });
    expect(await (await fetch(`${url}/ping`)).text()).toBe('pong');
    for (const route of PROVIDER_ROUTES) {
      const res = await fetch(`${url}${route.path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(EMULATOR_API_DATA[route.provider]);
    }
    const tenant = await fetch(`${url}${TENANT_ROUTE}`, {
      headers: { [TENANT_HEADER]: 'client_5678' },
    });
    expect(tenant.status).toBe(200);
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ client_1234: 1, client_5678: 1 });
  });
});
