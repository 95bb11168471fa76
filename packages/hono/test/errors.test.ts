import { isAuthError, TOKEN_PROBLEM_DETAIL, TokenEndpointError } from '@auth/core';
import { type Emulators, resetEmulators, startEmulators } from '@auth/testing';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthGatewayException, authClients, type TokenFailureReport } from '../src/index.js';
import { emulatorClients, listen, tenantAlerts } from './support.js';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());
afterEach(() => {
  vi.restoreAllMocks();
  resetEmulators(emulators);
});

const problem = (code: string) => ({
  type: 'about:blank',
  title: 'Bad Gateway',
  status: 502,
  code,
  detail: TOKEN_PROBLEM_DETAIL,
});

function devicesApp(clients: ReturnType<typeof emulatorClients>) {
  return new Hono().use(authClients(clients)).get('/devices', async (c) => {
    const res = await c.var.authClients.alertsite.fetch('devices');
    return c.json(await res.json(), res.status as 200);
  });
}

describe('a failed token request is reported once', () => {
  it('for 100 requests waiting on 1 failed login: 1 console line naming client, code and status', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const wrong = 'wr0ng-Secret-Value';
    const app = devicesApp(
      emulatorClients(emulators, { alertsitePassword: wrong, backoffMs: 60_000 }),
    );
    const attempts = emulators.alertsite.stats.tokenAttempts;
    const statuses = await Promise.all(
      Array.from({ length: 100 }, async () => (await app.request('/devices')).status),
    );
    expect(statuses.filter((status) => status === 502)).toHaveLength(100);
    expect(emulators.alertsite.stats.tokenAttempts - attempts).toBe(1);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[0])).toMatch(
      /client "alertsite".*TOKEN_ENDPOINT_REJECTED, status 401/,
    );
    expect(String(logged.mock.calls[0]?.[0])).not.toContain(wrong);
  });

  it('once per registry, however many middlewares use it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    emulators.alertsite.fault('error500');
    const clients = emulatorClients(emulators);
    const app = new Hono()
      .use(authClients(clients))
      .use(authClients(clients))
      .get('/devices', async (c) =>
        c.json(await (await c.var.authClients.alertsite.fetch('devices')).json()),
      );
    expect((await app.request('/devices')).status).toBe(502);
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it('to onTokenFailure when given, and nowhere with false', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    emulators.alertsite.fault('error500');
    const reports: TokenFailureReport[] = [];
    const clients = emulatorClients(emulators);
    const mine = new Hono()
      .use(authClients(clients, { onTokenFailure: (report) => reports.push(report) }))
      .get('/devices', async (c) =>
        c.json(await (await c.var.authClients.alertsite.fetch('devices')).json()),
      );
    expect((await mine.request('/devices')).status).toBe(502);
    expect(reports).toMatchObject([
      { suppressed: 0, event: { type: 'token.failure', client: 'alertsite', status: 500 } },
    ]);
    const silent = new Hono()
      .use(authClients(emulatorClients(emulators), { onTokenFailure: false }))
      .get('/devices', async (c) =>
        c.json(await (await c.var.authClients.alertsite.fetch('devices')).json()),
      );
    expect((await silent.request('/devices')).status).toBe(502);
    expect(logged).not.toHaveBeenCalled();
  });
});

describe('a token acquisition failure becomes 502 problem details', () => {
  it('answers 502 application/problem+json with the code only (token endpoint 500), logging one line', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    emulators.alertsite.fault('error500');
    const res = await devicesApp(emulatorClients(emulators)).request('/devices');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toEqual(problem('TOKEN_ENDPOINT_REJECTED'));
    expect(logged.mock.calls).toEqual([
      [
        expect.stringMatching(
          /^Token request failed for client "alertsite" \(flow jsonCredentials\): TOKEN_ENDPOINT_REJECTED, status 500; callers get the error; next attempt in [\d.]+s$/,
        ),
      ],
    ]);
  });

  it('keeps secrets and vendor messages out of the body (wrong credentials)', async () => {
    const wrong = 'wr0ng-Secret-Value';
    const res = await devicesApp(emulatorClients(emulators, { alertsitePassword: wrong })).request(
      '/devices',
    );
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(JSON.parse(text)).toEqual(problem('TOKEN_ENDPOINT_REJECTED'));
    for (const secret of [wrong, emulators.alertsite.credentials.password, 'Bearer']) {
      expect(text).not.toContain(secret);
    }
  });

  it('maps each failure kind to its own code (unreachable, not JSON)', async () => {
    emulators.alertsite.fault('down');
    let res = await devicesApp(emulatorClients(emulators)).request('/devices');
    expect(await res.json()).toEqual(problem('TOKEN_ENDPOINT_UNREACHABLE'));
    emulators.alertsite.fault('html');
    res = await devicesApp(emulatorClients(emulators)).request('/devices');
    expect(res.status).toBe(502);
    expect(((await res.json()) as { code: string }).code).toMatch(/^TOKEN_RESPONSE_/);
  });

  it('answers 502 over real HTTP through @hono/node-server too', async () => {
    emulators.alertsite.fault('error500');
    const server = await listen(devicesApp(emulatorClients(emulators)).fetch);
    try {
      const res = await fetch(`${server.url}/devices`);
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual(problem('TOKEN_ENDPOINT_REJECTED'));
    } finally {
      await server.close();
    }
  });

  it('lets app.onError answer differently: it gets an HTTPException whose cause is the AuthError', async () => {
    emulators.alertsite.fault('error500');
    const seen: unknown[] = [];
    const app = devicesApp(emulatorClients(emulators)).onError((err, c) => {
      seen.push(err);
      if (err instanceof AuthGatewayException) {
        return c.json({ retry: true, code: err.cause.code, upstream: err.problem.status }, 503);
      }
      return c.text('other', 500);
    });
    const res = await app.request('/devices');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      retry: true,
      code: 'TOKEN_ENDPOINT_REJECTED',
      upstream: 502,
    });
    const [error] = seen as [AuthGatewayException];
    expect(error).toBeInstanceOf(HTTPException);
    expect(error.status).toBe(502);
    expect(error.cause).toBeInstanceOf(TokenEndpointError);
    expect((error.cause as TokenEndpointError).status).toBe(500);
    expect(JSON.stringify(error)).not.toContain(emulators.alertsite.credentials.password);
  });

  it('is what a handler catches from fetch() and getToken(), with the AuthError as cause', async () => {
    emulators.alertsite.fault('error500');
    const app = new Hono().use(authClients(emulatorClients(emulators))).get('/', async (c) => {
      const caught: unknown[] = [];
      await c.var.authClients.alertsite.fetch('devices').catch((e: unknown) => caught.push(e));
      await c.var.authClients.alertsite.getToken().catch((e: unknown) => caught.push(e));
      const narrowed = c.var.authClients.withContext({ tenant: 'x' }).alertsite;
      await narrowed.fetch('devices').catch((e: unknown) => caught.push(e));
      return c.json(caught.map((e) => e instanceof AuthGatewayException && isAuthError(e.cause)));
    });
    expect(await (await app.request('/')).json()).toEqual([true, true, true]);
  });

  it('leaves every other error alone (a flow resolver error, an HTTPException)', async () => {
    const seen: unknown[] = [];
    const app = new Hono()
      .use(authClients(emulatorClients(emulators), { tenant: () => 'nobody' }))
      .get('/tenant', async (c) => {
        await c.var.authClients.tenants.fetch(tenantAlerts('nobody'));
        return c.text('unreachable');
      })
      .get('/teapot', () => {
        throw new HTTPException(418);
      })
      .onError((err, c) => {
        seen.push(err);
        return err instanceof HTTPException ? err.getResponse() : c.text(err.message, 404);
      });
    const res = await app.request('/tenant');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('no credentials for tenant nobody');
    expect(seen[0]).not.toBeInstanceOf(HTTPException);
    expect((await app.request('/teapot')).status).toBe(418);
  });

  it('builds a fresh response each time getResponse() is called', async () => {
    emulators.alertsite.fault('error500');
    const caught = await emulatorClients(emulators)
      .alertsite.getToken()
      .catch((e: unknown) => e);
    expect(isAuthError(caught)).toBe(true);
    const exception = new AuthGatewayException(caught as TokenEndpointError);
    const first = exception.getResponse();
    const second = exception.getResponse();
    expect(await first.json()).toEqual(await second.json());
    expect(exception.toJSON()).toEqual({
      name: 'AuthGatewayException',
      status: 502,
      code: 'TOKEN_ENDPOINT_REJECTED',
    });
  });
});
