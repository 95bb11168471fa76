/**
 * Test support shared by the demo apps' tests: the end-to-end scenarios every demo app
 * must pass ({@link describeDemoApp}) and the values their own tests compare with. Not part of
 * the package's entry point and not built (it imports vitest): the demos' tests import this file
 * by its relative path.
 */
import { type ClientRequest, get } from 'node:http';
import {
  EMULATOR_API_DATA,
  EMULATOR_CREDENTIALS,
  type Emulators,
  resetEmulators,
  startEmulators,
  waitFor,
} from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoConfig,
  demoConfigFor,
  PROVIDER_ROUTES,
  TENANT_HEADER,
  TENANT_ROUTE,
} from './index.js';

/** Every password and client secret the demo's clients use: none may appear in an answer or a log. */
export const DEMO_SECRETS: readonly string[] = [
  EMULATOR_CREDENTIALS.alertsite.password,
  EMULATOR_CREDENTIALS.klearstack.password,
  EMULATOR_CREDENTIALS.aspnet.password,
  ...EMULATOR_CREDENTIALS.opsramp.tenants.map((tenant) => tenant.clientSecret),
];

/** The problem details a demo app answers (502) when a provider rejects its token request. */
export const BAD_GATEWAY_PROBLEM = Object.freeze({
  type: 'about:blank',
  title: 'Bad Gateway',
  status: 502,
  code: 'TOKEN_ENDPOINT_REJECTED',
  detail: 'Could not obtain an access token from an upstream provider',
});

/** A demo app serving on a free loopback port. */
export interface RunningDemoApp {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  url: string;
  /** Stops the server and closes the app's clients. */
  close(): Promise<void>;
}

/** How {@link describeDemoApp} runs one demo app. */
export interface DemoAppUnderTest {
  /** Builds a COLD app (fresh clients, empty token cache) for `config` and serves it. */
  start(config: DemoConfig): Promise<RunningDemoApp>;
  /** The app's route relaying AlertSite's `slow?ms=2000` (the abort scenario). */
  slowRoute: string;
}

/**
 * The scenarios every demo app passes over real HTTP, against its own emulators: health and ping
 * without a token, each provider route, 50 concurrent cold requests per provider making one token
 * request each, a client disconnect aborting the upstream call, and one token per tenant.
 *
 * @example
 * describeDemoApp('demo-koa: shared scenarios', {
 *   start: (config) => startDemo(config),
 *   slowRoute: SLOW_ROUTE,
 * });
 */
export function describeDemoApp(name: string, demo: DemoAppUnderTest): void {
  describe(name, () => {
    let emulators: Emulators;
    let running: RunningDemoApp | undefined;
    beforeAll(async () => {
      emulators = await startEmulators();
    });
    afterAll(() => emulators.close());
    afterEach(async () => {
      await running?.close();
      running = undefined;
      resetEmulators(emulators);
    });

    async function coldApp(): Promise<RunningDemoApp> {
      running = await demo.start(demoConfigFor(emulators));
      return running;
    }

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
      expect(await res.json()).toEqual(EMULATOR_API_DATA[provider]);
      expect(emulators[provider].stats.tokenRequests).toBe(1);
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
      expect(answers).toHaveLength(PROVIDER_ROUTES.length * 50);
      for (const { provider, status, body } of answers) {
        expect(status).toBe(200);
        expect(body).toEqual(EMULATOR_API_DATA[provider]);
      }
      for (const emulator of emulators.all) {
        expect({ [emulator.name]: emulator.stats.tokenRequests }).toEqual({ [emulator.name]: 1 });
        expect(emulator.stats.apiCalls).toBe(50);
        expect(emulator.stats.unauthorized).toBe(0);
      }
    });

    it('aborts the upstream call when the incoming connection closes', async () => {
      const { url } = await coldApp();
      let req!: ClientRequest;
      const ended = new Promise<unknown>((resolve) => {
        req = get(`${url}${demo.slowRoute}`, { agent: false }, () => resolve('answered'));
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
      const call = (tenant: string | undefined) =>
        fetch(`${url}${TENANT_ROUTE}`, { headers: { [TENANT_HEADER]: tenant ?? '' } });
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => call(i % 2 === 0 ? first : second)),
      );
      for (const res of answers) {
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual(EMULATOR_API_DATA.opsramp);
      }
      expect((await call(first)).status).toBe(200);
      expect(emulators.opsramp.stats.tokensByTenant).toEqual({
        [first as string]: 1,
        [second as string]: 1,
      });
      const unknown = await call('acme');
      expect(unknown.status).toBe(404);
    });
  });
}
