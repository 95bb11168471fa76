import { EMULATOR_API_DATA, type Emulators, startEmulators } from '@auth/testing';
import type { Express, Request, Response } from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authClients, authErrorHandler } from '../src/index.js';
import {
  createTestClients,
  EXPRESS_VERSIONS,
  leaveDuringUpstreamCall,
  listen,
  openGet,
  type Running,
  route,
  startEcho,
  type TestClients,
} from './support.js';

let emulators: Emulators;
let echo: Awaited<ReturnType<typeof startEcho>>;
const running: Running[] = [];

beforeAll(async () => {
  emulators = await startEmulators();
  echo = await startEcho();
});
afterAll(async () => {
  await echo?.close();
  await emulators?.close();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
  for (const emulator of emulators.all) emulator.resetStats();
  echo.received.length = 0;
  vi.restoreAllMocks();
});

async function serve(app: Express): Promise<string> {
  const server = await listen(app);
  running.push(server);
  return server.url;
}

function freshClients(): TestClients {
  return createTestClients(emulators, { echoUrl: `${echo.url}/` });
}

describe.each(EXPRESS_VERSIONS)('req.authClients on Express $major', ({ express }) => {
  it('reads undefined in an app the middleware does not serve, after another app used it', async () => {
    const served = express();
    served.use(authClients(freshClients()));
    served.get('/', (req, res) => {
      res.json({ has: req.authClients !== undefined });
    });
    const bare = express();
    bare.get('/', (req, res) => {
      res.json({ has: (req as { authClients?: unknown }).authClients !== undefined });
    });
    expect(await (await fetch(`${await serve(served)}/`)).json()).toEqual({ has: true });
    expect(await (await fetch(`${await serve(bare)}/`)).json()).toEqual({ has: false });
  });

  it('calls the API with a token: req.authClients.<name>.fetch', async () => {
    const app = express();
    app.use(authClients(freshClients()));
    app.get(
      '/',
      route(async (req, res) => {
        const upstream = await req.authClients.alertsite.fetch('devices');
        res.status(upstream.status).json(await upstream.json());
      }),
    );
    const res = await fetch(`${await serve(app)}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(EMULATOR_API_DATA.alertsite);
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
  });

  it('makes one token request for 50 concurrent requests to a cold app', async () => {
    const app = express();
    app.use(authClients(freshClients()));
    app.get(
      '/',
      route(async (req, res) => {
        const upstream = await req.authClients.alertsite.fetch('devices');
        res.status(upstream.status).json(await upstream.json());
      }),
    );
    const url = await serve(app);
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await fetch(`${url}/`);
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses).toEqual(Array(50).fill(200));
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
    expect(emulators.alertsite.stats.apiCalls).toBe(50);
  });

  it('is built on first access only: a route that never touches it pays nothing', async () => {
    const clients = freshClients();
    const withContext = vi.spyOn(clients, 'withContext');
    const tenant = vi.fn(() => 'acme');
    const seen: Record<string, unknown> = {};
    const app = express();
    app.use(authClients(clients, { tenant }));
    app.get('/ping', (req, res) => {
      seen.listeners = req.res?.listenerCount('close');
      res.send('pong');
    });
    app.get('/touch', (req, res) => {
      const before = req.res?.listenerCount('close') ?? 0;
      const view = req.authClients;
      seen.same = view === req.authClients;
      seen.names = view.names;
      seen.client = view.echo?.name; // the first use of a client binds the view
      seen.added = (req.res?.listenerCount('close') ?? 0) - before;
      res.send('ok');
    });
    const url = await serve(app);

    await (await fetch(`${url}/ping`)).text();
    expect(withContext).not.toHaveBeenCalled();
    expect(tenant).not.toHaveBeenCalled();

    await (await fetch(`${url}/touch`)).text();
    expect(withContext).toHaveBeenCalledTimes(1);
    expect(tenant).toHaveBeenCalledTimes(1);
    expect(seen.same).toBe(true);
    expect(seen.names).toEqual(['alertsite', 'tenants', 'echo']);
    expect(seen.added).toBe(1);
  });

  it('binds a new view per request', async () => {
    const views: unknown[] = [];
    const app = express();
    app.use(authClients(freshClients()));
    app.get('/', (req, res) => {
      views.push(req.authClients, req.authClients);
      res.send('ok');
    });
    const url = await serve(app);
    await (await fetch(url)).text();
    await (await fetch(url)).text();
    expect(views[0]).toBe(views[1]);
    expect(views[2]).toBe(views[3]);
    expect(views[0]).not.toBe(views[2]);
  });

  it('passes x-request-id and traceparent on by default, nothing else', async () => {
    const app = express();
    app.use(authClients(freshClients()));
    app.get(
      '/',
      route(async (req, res) => {
        res.json(await (await req.authClients.echo.fetch('anything')).json());
      }),
    );
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await fetch(`${await serve(app)}/`, {
      headers: { 'X-Request-Id': 'req-1', traceparent, 'x-other': 'private' },
    });
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    expect(headers['x-request-id']).toBe('req-1');
    expect(headers.traceparent).toBe(traceparent);
    expect(headers['x-other']).toBeUndefined();
    expect(headers.authorization).toMatch(/^Bearer \S+$/);
  });

  it('passes the configured headers (any case); a header the call sets wins', async () => {
    const app = express();
    app.use(authClients(freshClients(), { propagateHeaders: ['X-Correlation-Id', 'X-Region'] }));
    app.get(
      '/',
      route(async (req, res) => {
        const upstream = await req.authClients.echo.fetch('anything', {
          headers: { 'x-region': 'eu' },
        });
        res.json(await upstream.json());
      }),
    );
    const res = await fetch(`${await serve(app)}/`, {
      headers: { 'x-correlation-id': 'corr-7', 'x-region': 'us', 'x-request-id': 'req-2' },
    });
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    expect(headers['x-correlation-id']).toBe('corr-7');
    expect(headers['x-region']).toBe('eu');
    expect(headers['x-request-id']).toBeUndefined();
  });

  it('gets the tenant from the resolver: two tenants, two tokens; one tenant reuses its token', async () => {
    const tenant = vi.fn((req: Request) => req.get('x-tenant-id'));
    const app = express();
    app.use(authClients(freshClients(), { tenant }));
    app.get(
      '/',
      route(async (req, res) => {
        const id = req.get('x-tenant-id');
        const upstream = await req.authClients.tenants.fetch(`api/v2/tenants/${id}/alerts/search`);
        res.status(upstream.status).json(await upstream.json());
      }),
    );
    const url = await serve(app);
    const call = (id: string) => fetch(url, { headers: { 'x-tenant-id': id } });

    const answers = await Promise.all(
      ['client_1234', 'client_5678', 'client_1234', 'client_5678'].map(call),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ client_1234: 1, client_5678: 1 });
    expect(tenant).toHaveBeenCalledTimes(4);
  });

  it('rejects a resolver answer that is not a string (500, not a token failure)', async () => {
    const errors: unknown[] = [];
    const app = express();
    app.use(authClients(freshClients(), { tenant: () => 42 as unknown as string }));
    app.get('/', (req, res) => {
      res.json(req.authClients.echo?.name);
    });
    app.use(authErrorHandler());
    app.use((error: unknown, _req: Request, res: Response, _next: unknown) => {
      errors.push(error);
      res.status(500).send('failed');
    });
    const res = await fetch(`${await serve(app)}/`);
    expect(res.status).toBe(500);
    expect(String(errors[0])).toMatch(/tenant resolver returned a number/);
  });

  it('aborts the outbound call when the client disconnects, and ends the request quietly', async () => {
    const outcome: { error?: unknown } = {};
    const reachedNext: unknown[] = [];
    const app = express();
    app.use(authClients(freshClients()));
    app.get(
      '/slow',
      route(async (req, res) => {
        try {
          await req.authClients.alertsite.fetch('slow?ms=2000');
        } catch (error) {
          outcome.error = error;
          throw error;
        }
        res.send('finished');
      }),
    );
    app.use(authErrorHandler());
    app.use((error: unknown, _req: Request, _res: Response, next: (e: unknown) => void) => {
      reachedNext.push(error);
      next(error);
    });
    const url = await serve(app);

    expect(await leaveDuringUpstreamCall(url, '/slow', emulators.alertsite)).toBeLessThan(2_000);
    await vi.waitFor(() => expect(outcome.error).toBeDefined());
    expect(outcome.error).toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reachedNext).toEqual([]);
  });

  it('aborts at once when the client left before the view was built', async () => {
    const outcome: { done?: boolean; error?: unknown } = {};
    const app = express();
    app.use(authClients(freshClients()));
    app.get(
      '/',
      route(async (req) => {
        const res = req.res;
        if (res !== undefined && !res.destroyed) {
          await new Promise((resolve) => res.once('close', resolve));
        }
        await req.authClients.alertsite.fetch('devices').catch((error: unknown) => {
          outcome.error = error;
        });
        outcome.done = true;
      }),
    );
    const req = openGet(await serve(app), '/');
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await vi.waitFor(() => expect(outcome.done).toBe(true));
    expect(outcome.error).toMatchObject({ name: 'AbortError' });
    expect(emulators.alertsite.stats.apiCalls).toBe(0);
  });

  it('does not abort a request whose body was read (the request stream closes early)', async () => {
    const app = express();
    app.use(authClients(freshClients()));
    app.use(express.text());
    app.post(
      '/',
      route(async (req, res) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const upstream = await req.authClients.echo.fetch('after-body');
        res.json({ body: req.body, upstream: upstream.status });
      }),
    );
    const res = await fetch(`${await serve(app)}/`, {
      method: 'POST',
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: 'hello', upstream: 200 });
  });

  it('applies to a mounted router and sub-app; a later authClients() wins below it', async () => {
    const outer = freshClients();
    const inner = freshClients();
    const innerBound = vi.spyOn(inner, 'withContext');
    const app = express();
    app.use(authClients(outer));
    const router = express.Router();
    router.get('/names', (req, res) => {
      res.json(req.authClients.names);
    });
    const sub = express();
    sub.get('/names', (req, res) => {
      res.json(req.authClients.names);
    });
    const scoped = express.Router();
    scoped.use(authClients(inner));
    scoped.get('/touch', (req, res) => {
      req.authClients.echo;
      res.send('ok');
    });
    app.use('/router', router);
    app.use('/sub', sub);
    app.use('/scoped', scoped);
    const url = await serve(app);
    expect(await (await fetch(`${url}/router/names`)).json()).toEqual(outer.names);
    expect(await (await fetch(`${url}/sub/names`)).json()).toEqual(outer.names);
    expect((await fetch(`${url}/scoped/touch`)).status).toBe(200);
    expect(innerBound).toHaveBeenCalledTimes(1);
  });

  it('can be assigned for tests: a double replaces it for that request', async () => {
    const app = express();
    app.use(authClients(freshClients()));
    app.get('/', (req, res) => {
      if (req.query.fake !== undefined) {
        req.authClients = { names: ['fake'] } as unknown as TestClients;
      }
      res.json(req.authClients.names);
    });
    const url = await serve(app);
    expect(await (await fetch(`${url}/?fake`)).json()).toEqual(['fake']);
    expect(await (await fetch(`${url}/`)).json()).toEqual(['alertsite', 'tenants', 'echo']);
  });
});
