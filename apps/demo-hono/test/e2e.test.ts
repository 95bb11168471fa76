import { demoConfigFor } from '@auth/demo-config';
import { type Emulators, resetEmulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BAD_GATEWAY_PROBLEM,
  DEMO_SECRETS,
  describeDemoApp,
} from '../../demo-config/src/test-support.js';
import { SLOW_ROUTE } from '../src/app.js';
import { type DemoServer, startDemoServer } from '../src/server.js';

let emulators: Emulators;
let server: DemoServer | undefined;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
  resetEmulators(emulators);
});

/** A cold demo server (fresh clients, no token yet) on a free port, over @hono/node-server. */
async function coldServer(config = demoConfigFor(emulators)): Promise<DemoServer> {
  server = await startDemoServer({ config, port: 0, graceMs: 100 });
  return server;
}

describe('demo-hono over real HTTP (@hono/node-server)', () => {
  describeDemoApp('the scenarios every demo app passes', {
    start: (config) => startDemoServer({ config, port: 0, graceMs: 100 }),
    slowRoute: SLOW_ROUTE,
  });

  it.each([
    ['the token endpoint fails (500)', 'fault'],
    ['the credentials are wrong', 'credentials'],
  ])('answers 502 problem details without a secret when %s', async (_label, kind) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const config = demoConfigFor(emulators);
    const wrong = 'Wr0ng-Password-For-Test';
    if (kind === 'fault') emulators.alertsite.fault('error500');
    else config.alertsite.password = wrong;
    const { url } = await coldServer(config);
    const res = await fetch(`${url}/alertsite/devices`);
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(text)).toEqual(BAD_GATEWAY_PROBLEM);
    for (const secret of [...DEMO_SECRETS, wrong]) expect(text).not.toContain(secret);
    // One line from the adapter for the failed token request, none per request.
    expect(logged.mock.calls.map(([line]) => String(line))).toEqual([
      expect.stringMatching(
        /^Token request failed for client "alertsite" .*TOKEN_ENDPOINT_REJECTED/,
      ),
    ]);
    for (const secret of [...DEMO_SECRETS, wrong]) {
      expect(String(logged.mock.calls)).not.toContain(secret);
    }
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
