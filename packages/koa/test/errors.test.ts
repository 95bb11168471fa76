import { TokenEndpointError } from '@auth/core';
import { type Emulators, resetEmulators, startEmulators } from '@auth/testing';
import Koa from 'koa';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authClients, TokenFailureError } from '../src/index.js';
import { createTestClients, expectNoSecret, listen, type Running } from './support.js';

let emulators: Emulators;
const running: Running[] = [];

beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(async () => {
  await emulators?.close();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
  resetEmulators(emulators);
  vi.restoreAllMocks();
});

/** An app relaying AlertSite's devices, and what it reports to `app.on('error')`. */
async function relayApp(
  options: { alertsitePassword?: string; listen?: boolean; backoffMs?: number } = {},
) {
  const app = new Koa();
  const reported: unknown[] = [];
  if (options.listen !== false) app.on('error', (error) => reported.push(error));
  app.use(authClients(createTestClients(emulators, options)));
  app.use(async (ctx) => {
    const res = await ctx.authClients.alertsite.fetch('devices');
    ctx.status = res.status;
    ctx.body = await res.json();
  });
  const server = await listen(app);
  running.push(server);
  return { url: server.url, reported };
}

function expectProblem(body: unknown, code: string): void {
  expect(body).toEqual({
    type: 'about:blank',
    title: 'Bad Gateway',
    status: 502,
    code,
    detail: 'Could not obtain an access token from an upstream provider',
  });
}

describe('token failures', () => {
  it('answer 502 problem+json with the code only, for wrong credentials', async () => {
    const { url, reported } = await relayApp({ alertsitePassword: 'wrong-password-must-not-leak' });
    const res = await fetch(`${url}/`);
    const text = await res.text();

    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expectProblem(JSON.parse(text), 'TOKEN_ENDPOINT_REJECTED');
    expectNoSecret(text);
    expect(text).not.toContain('User authentication failed');
    expect(reported).toHaveLength(1);
  });

  it('answer 502 when the token endpoint fails (error500)', async () => {
    emulators.alertsite.fault('error500');
    const { url, reported } = await relayApp();
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { code: string };
    expectProblem(body, body.code);
    expect(body.code).toBe((reported[0] as { code: string }).code);
    expect(body.code).toMatch(/^TOKEN_/);
  });

  it('are reported once to app.on("error") as a TokenFailureError naming client, code and status', async () => {
    const { url, reported } = await relayApp({ alertsitePassword: 'wrong-password-must-not-leak' });
    await (await fetch(`${url}/`)).text();
    await (await fetch(`${url}/`)).text();

    expect(reported).toHaveLength(1);
    const [error] = reported as TokenFailureError[];
    expect(error).toBeInstanceOf(TokenFailureError);
    expect(error).toMatchObject({
      code: 'TOKEN_ENDPOINT_REJECTED',
      expose: false,
      event: { client: 'alertsite', status: 401, background: false },
    });
    expect(error?.message).toMatch(
      /^Token request failed for client "alertsite" \(flow jsonCredentials\): TOKEN_ENDPOINT_REJECTED, status 401; callers get the error/,
    );
    expectNoSecret(error, error?.stack, JSON.stringify(error), String(error));
  });

  it('report 100 requests waiting on 1 failed login once', async () => {
    const { url, reported } = await relayApp({
      alertsitePassword: 'wrong-password-must-not-leak',
      backoffMs: 60_000,
    });
    const attempts = emulators.alertsite.stats.tokenAttempts;
    const statuses = await Promise.all(
      Array.from({ length: 100 }, async () => (await fetch(`${url}/`)).status),
    );
    expect(statuses.filter((status) => status === 502)).toHaveLength(100);
    expect(emulators.alertsite.stats.tokenAttempts - attempts).toBe(1);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(TokenFailureError);
  });

  it("print one line and no secret through Koa's default error logger", async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { url } = await relayApp({
      alertsitePassword: 'wrong-password-must-not-leak',
      listen: false,
    });
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(502);
    await (await fetch(`${url}/`)).text();
    expectNoSecret(printed.mock.calls);
    expect(printed).toHaveBeenCalledTimes(1);
    expect(String(printed.mock.calls[0]?.[0]).trim()).toMatch(
      /^TokenFailureError: Token request failed for client "alertsite" \(flow jsonCredentials\): TOKEN_ENDPOINT_REJECTED, status 401;[^\n]*$/,
    );
  });

  it('never echo the vendor message (it may repeat input)', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(authClients(createTestClients(emulators)));
    app.use(() => {
      throw new TokenEndpointError('TOKEN_ENDPOINT_REJECTED', 'login rejected', {
        flow: 'jsonCredentials',
        status: 400,
        vendorCode: 'invalid_grant',
        vendorMessage: 'unknown user wrong-password-must-not-leak',
      });
    });
    const server = await listen(app);
    running.push(server);
    const res = await fetch(server.url);
    const text = await res.text();
    expect(res.status).toBe(502);
    expectProblem(JSON.parse(text), 'TOKEN_ENDPOINT_REJECTED');
    expectNoSecret(text);
  });

  it('other errors pass through to Koa untouched', async () => {
    const app = new Koa();
    const reported: unknown[] = [];
    app.on('error', (error) => reported.push(error));
    app.use(authClients(createTestClients(emulators)));
    const boom = new Error('boom');
    app.use(() => {
      throw boom;
    });
    const server = await listen(app);
    running.push(server);
    const res = await fetch(server.url);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('Internal Server Error');
    expect(reported).toEqual([boom]);
  });
});
