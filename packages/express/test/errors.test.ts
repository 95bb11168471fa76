import { TokenEndpointError } from '@auth/core';
import { type Emulators, resetEmulators, startEmulators } from '@auth/testing';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authClients, authErrorHandler } from '../src/index.js';
import {
  createTestClients,
  EXPRESS_VERSIONS,
  expectNoSecret,
  listen,
  type Running,
  route,
} from './support.js';

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

function expectProblem(body: unknown, code: string): void {
  expect(body).toEqual({
    type: 'about:blank',
    title: 'Bad Gateway',
    status: 502,
    code,
    detail: 'Could not obtain an access token from an upstream provider',
  });
}

describe.each(EXPRESS_VERSIONS)('token failures on Express $major', ({ express }) => {
  /** An app relaying AlertSite's devices, and the errors that got past `authErrorHandler()`. */
  async function relayApp(
    options: { alertsitePassword?: string; onTokenFailure?: false | (() => void) } = {},
  ) {
    const app = express();
    const passedOn: unknown[] = [];
    const { onTokenFailure, ...clientOptions } = options;
    app.use(
      authClients(
        createTestClients(emulators, clientOptions),
        onTokenFailure === undefined ? {} : { onTokenFailure },
      ),
    );
    app.get(
      '/',
      route(async (req, res) => {
        const upstream = await req.authClients.alertsite.fetch('devices');
        res.status(upstream.status).json(await upstream.json());
      }),
    );
    app.use(authErrorHandler());
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      passedOn.push(error);
      res.status(500).send('other');
    });
    const server = await listen(app);
    running.push(server);
    return { url: server.url, passedOn };
  }

  it('answer 502 problem+json with the code only, for wrong credentials', async () => {
    const { url, passedOn } = await relayApp({ alertsitePassword: 'wrong-password-must-not-leak' });
    const res = await fetch(`${url}/`);
    const text = await res.text();

    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
    expectProblem(JSON.parse(text), 'TOKEN_ENDPOINT_REJECTED');
    expectNoSecret(text);
    expect(text).not.toContain('User authentication failed');
    expect(passedOn).toEqual([]);
  });

  it('log the failed token request once, however many requests waited on it', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { url } = await relayApp({ alertsitePassword: 'wrong-password-must-not-leak' });
    const statuses = await Promise.all(
      Array.from({ length: 5 }, async () => (await fetch(`${url}/`)).status),
    );
    expect(statuses).toEqual([502, 502, 502, 502, 502]);
    expect(printed).toHaveBeenCalledTimes(1);
    expect(String(printed.mock.calls[0]?.[0])).toContain('TOKEN_ENDPOINT_REJECTED');
    expectNoSecret(printed.mock.calls);
  });

  it('onTokenFailure: false logs nothing', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const quiet = await relayApp({
      alertsitePassword: 'wrong-password-must-not-leak',
      onTokenFailure: false,
    });
    expect((await fetch(`${quiet.url}/`)).status).toBe(502);
    expect(printed).not.toHaveBeenCalled();
  });

  // A test of its own: an app of the same account in the same test would share the failed login
  // (one token per account per process) and its backoff, and make no login to report.
  it('onTokenFailure: a function gets the report', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const reports = vi.fn();
    const custom = await relayApp({
      alertsitePassword: 'wrong-password-must-not-leak',
      onTokenFailure: reports,
    });
    expect((await fetch(`${custom.url}/`)).status).toBe(502);
    expect(printed).not.toHaveBeenCalled();
    expect(reports).toHaveBeenCalledTimes(1);
    expect(reports.mock.calls[0]?.[0]).toMatchObject({
      event: { code: 'TOKEN_ENDPOINT_REJECTED' },
    });
  });

  it('answer 502 when the token endpoint fails (error500)', async () => {
    emulators.alertsite.fault('error500');
    const { url } = await relayApp();
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { code: string };
    expectProblem(body, body.code);
    expect(body.code).toMatch(/^TOKEN_/);
    expect(emulators.alertsite.stats.apiCalls).toBe(0);
  });

  it('never echo the vendor message (it may repeat input), even from a sync route', async () => {
    const app = express();
    app.use(authClients(createTestClients(emulators)));
    app.get('/', () => {
      throw new TokenEndpointError('TOKEN_ENDPOINT_REJECTED', 'login rejected', {
        flow: 'jsonCredentials',
        status: 400,
        vendorCode: 'invalid_grant',
        vendorMessage: 'unknown user wrong-password-must-not-leak',
      });
    });
    app.use(authErrorHandler());
    const server = await listen(app);
    running.push(server);
    const res = await fetch(server.url);
    const text = await res.text();
    expect(res.status).toBe(502);
    expectProblem(JSON.parse(text), 'TOKEN_ENDPOINT_REJECTED');
    expectNoSecret(text);
  });

  it('other errors, and token failures after the response started, go on to next()', async () => {
    const app = express();
    const passedOn: unknown[] = [];
    app.use(authClients(createTestClients(emulators)));
    const boom = new Error('boom');
    const late = new TokenEndpointError('TOKEN_ENDPOINT_REJECTED', 'login rejected', {
      flow: 'jsonCredentials',
      status: 400,
    });
    app.get('/boom', () => {
      throw boom;
    });
    app.get('/late', (_req, res, next) => {
      res.status(200).write('partial');
      next(late);
    });
    app.use(authErrorHandler());
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      passedOn.push(error);
      if (res.headersSent) res.end();
      else res.status(500).send('other');
    });
    const server = await listen(app);
    running.push(server);
    const res = await fetch(`${server.url}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('other');
    await (await fetch(`${server.url}/late`)).text();
    expect(passedOn).toEqual([boom, late]);
  });
});
