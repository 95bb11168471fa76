import { type Emulators, startEmulators } from '@auth/testing';
import Koa from 'koa';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authClients } from '../src/index.js';
import {
  createTestClients,
  leaveDuringUpstreamCall,
  listen,
  openGet,
  type Running,
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

async function serve(app: Koa): Promise<string> {
  const server = await listen(app);
  running.push(server);
  return server.url;
}

function freshClients(): TestClients {
  return createTestClients(emulators, { echoUrl: `${echo.url}/` });
}

describe('ctx.authClients', () => {
  it('calls the API with a token: ctx.authClients.<name>.fetch', async () => {
    const app = new Koa();
    app.use(authClients(freshClients()));
    app.use(async (ctx) => {
      const res = await ctx.authClients.alertsite.fetch('devices');
      ctx.status = res.status;
      ctx.body = await res.json();
    });
    const res = await fetch(`${await serve(app)}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      results: [
        { id: 1, name: 'web-1' },
        { id: 2, name: 'web-2' },
        { id: 3, name: 'db-1' },
      ],
    });
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
  });

  it('is built on first access only: a route that never touches it pays nothing', async () => {
    const clients = freshClients();
    const withContext = vi.spyOn(clients, 'withContext');
    const tenant = vi.fn(() => 'acme');
    const seen: Record<string, unknown> = {};
    const listenersOf = (ctx: Koa.Context) => ctx.res.listenerCount('close');

    const bare = new Koa();
    bare.use((ctx) => {
      seen.bareListeners = listenersOf(ctx);
      ctx.body = 'pong';
    });
    const app = new Koa();
    app.use(authClients(clients, { tenant }));
    app.use((ctx) => {
      seen.listeners = listenersOf(ctx);
      seen.ownKeys = Reflect.ownKeys(ctx).filter((key) => typeof key === 'string');
      if (ctx.path === '/touch') {
        const view = ctx.authClients;
        seen.same = view === ctx.authClients;
        seen.names = view.names;
        seen.client = view.echo.name; // the first use of a client binds the view
        seen.touchedListeners = listenersOf(ctx);
      }
      ctx.body = 'pong';
    });
    const bareUrl = await serve(bare);
    const url = await serve(app);

    await (await fetch(`${bareUrl}/ping`)).text();
    await (await fetch(`${url}/ping`)).text();
    expect(withContext).not.toHaveBeenCalled();
    expect(tenant).not.toHaveBeenCalled();
    expect(seen.listeners).toBe(seen.bareListeners);
    expect(seen.ownKeys).not.toContain('authClients');

    await (await fetch(`${url}/touch`)).text();
    expect(withContext).toHaveBeenCalledTimes(1);
    expect(tenant).toHaveBeenCalledTimes(1);
    expect(seen.same).toBe(true);
    expect(seen.names).toEqual(['alertsite', 'tenants', 'echo']);
    expect(seen.touchedListeners).toBe((seen.bareListeners as number) + 1);
  });

  it('binds a new view per request', async () => {
    const views: unknown[] = [];
    const app = new Koa();
    app.use(authClients(freshClients()));
    app.use((ctx) => {
      views.push(ctx.authClients, ctx.authClients);
      ctx.body = 'ok';
    });
    const url = await serve(app);
    await (await fetch(url)).text();
    await (await fetch(url)).text();
    expect(views[0]).toBe(views[1]);
    expect(views[2]).toBe(views[3]);
    expect(views[0]).not.toBe(views[2]);
  });

  it('passes x-request-id and traceparent on by default, nothing else', async () => {
    const app = new Koa();
    app.use(authClients(freshClients()));
    app.use(async (ctx) => {
      const res = await ctx.authClients.echo.fetch('anything');
      ctx.body = await res.json();
    });
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
    const app = new Koa();
    app.use(authClients(freshClients(), { propagateHeaders: ['X-Correlation-Id', 'X-Region'] }));
    app.use(async (ctx) => {
      const res = await ctx.authClients.echo.fetch('anything', { headers: { 'x-region': 'eu' } });
      ctx.body = await res.json();
    });
    const res = await fetch(`${await serve(app)}/`, {
      headers: { 'x-correlation-id': 'corr-7', 'x-region': 'us', 'x-request-id': 'req-2' },
    });
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    expect(headers['x-correlation-id']).toBe('corr-7');
    expect(headers['x-region']).toBe('eu');
    expect(headers['x-request-id']).toBeUndefined();
  });

  it('gets the tenant from the resolver: two tenants, two tokens; one tenant reuses its token', async () => {
    const tenant = vi.fn((ctx: Koa.Context) => ctx.get('x-tenant-id') || undefined);
    const app = new Koa();
    app.use(authClients(freshClients(), { tenant }));
    app.use(async (ctx) => {
      const id = ctx.get('x-tenant-id');
      const res = await ctx.authClients.tenants.fetch(`api/v2/tenants/${id}/alerts/search`);
      ctx.status = res.status;
      ctx.body = await res.json();
    });
    const url = await serve(app);
    const call = (id: string) => fetch(url, { headers: { 'x-tenant-id': id } });

    const answers = [
      await call('client_1234'),
      await call('client_5678'),
      await call('client_1234'),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ client_1234: 1, client_5678: 1 });
    expect(tenant).toHaveBeenCalledTimes(3);
    expect(tenant.mock.calls[0]?.[0].get('x-tenant-id')).toBe('client_1234');
  });

  it('rejects a resolver answer that is not a string (500, not a token failure)', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(authClients(freshClients(), { tenant: () => 42 as unknown as string }));
    app.use((ctx) => {
      ctx.body = ctx.authClients.echo.name;
    });
    const errors: unknown[] = [];
    app.on('error', (error) => errors.push(error));
    const res = await fetch(`${await serve(app)}/`);
    expect(res.status).toBe(500);
    expect(String(errors[0])).toMatch(/tenant resolver returned a number/);
  });

  it('aborts the outbound call when the client disconnects', async () => {
    const outcome: { error?: unknown } = {};
    const errors: unknown[] = [];
    const app = new Koa();
    app.on('error', (error) => errors.push(error));
    app.use(authClients(freshClients()));
    app.use(async (ctx) => {
      try {
        await ctx.authClients.alertsite.fetch('slow?ms=2000');
      } catch (error) {
        outcome.error = error;
        throw error;
      }
      ctx.body = 'finished';
    });
    const url = await serve(app);

    expect(await leaveDuringUpstreamCall(url, '/slow', emulators.alertsite)).toBeLessThan(2_000);
    await vi.waitFor(() => expect(outcome.error).toBeDefined());
    expect(outcome.error).toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toEqual([]);
  });

  it('aborts at once when the client left before the view was built', async () => {
    const outcome: { aborted?: boolean; error?: unknown } = {};
    const app = new Koa();
    app.use(authClients(freshClients()));
    app.use(async (ctx) => {
      if (!ctx.res.destroyed) await new Promise((resolve) => ctx.res.once('close', resolve));
      const view = ctx.authClients;
      await view.alertsite.fetch('devices').catch((error: unknown) => {
        outcome.error = error;
      });
      outcome.aborted = true;
    });
    const req = openGet(await serve(app), '/');
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await vi.waitFor(() => expect(outcome.aborted).toBe(true));
    expect(outcome.error).toMatchObject({ name: 'AbortError' });
    expect(emulators.alertsite.stats.apiCalls).toBe(0);
  });

  it('does not abort a request whose body was read (the request stream closes early)', async () => {
    const app = new Koa();
    app.use(authClients(freshClients()));
    app.use(async (ctx) => {
      const { echo } = ctx.authClients;
      let body = '';
      for await (const chunk of ctx.req) body += chunk;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const res = await echo.fetch('after-body');
      ctx.body = { body, upstream: res.status };
    });
    const res = await fetch(`${await serve(app)}/`, { method: 'POST', body: 'hello' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: 'hello', upstream: 200 });
  });

  it('an inner authClients() applies below it; the outer one is restored after it', async () => {
    const outer = freshClients();
    const inner = freshClients();
    const outerBound = vi.spyOn(outer, 'withContext');
    const innerBound = vi.spyOn(inner, 'withContext');
    const app = new Koa();
    app.use(authClients(outer));
    app.use(async (ctx, next) => {
      await next();
      expect(innerBound).toHaveBeenCalledTimes(1);
      expect(outerBound).not.toHaveBeenCalled();
      ctx.body = ctx.authClients.names;
    });
    app.use(authClients(inner));
    app.use((ctx) => {
      ctx.authClients.echo;
    });
    const res = await fetch(await serve(app));
    expect(res.status).toBe(200);
    expect(outerBound).toHaveBeenCalledTimes(1);
  });

  it('explains ctx.authClients outside the middleware; it can be assigned for tests', async () => {
    const app = new Koa();
    app.silent = true;
    const errors: Error[] = [];
    app.on('error', (error: Error) => errors.push(error));
    const guarded = authClients(freshClients());
    app.use((ctx, next) => (ctx.path === '/with' ? guarded(ctx, next) : next()));
    app.use((ctx) => {
      if (ctx.path === '/fake') ctx.authClients = { names: ['fake'] } as unknown as TestClients;
      ctx.body = ctx.authClients.names;
    });
    const url = await serve(app);
    expect(await (await fetch(`${url}/with`)).json()).toEqual(['alertsite', 'tenants', 'echo']);
    expect((await fetch(`${url}/without`)).status).toBe(500);
    expect(errors[0]?.message).toMatch(
      /only available .* after app\.use\(authClients\(clients\)\)/,
    );
    expect(await (await fetch(`${url}/fake`)).json()).toEqual(['fake']);
  });
});
