import { EMULATOR_API_DATA, type Emulators, startEmulators } from '@auth/testing';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authClientsPlugin } from '../src/index.js';
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

async function serve(app: FastifyInstance): Promise<string> {
  const server = await listen(app);
  running.push(server);
  return server.url;
}

function freshClients(): TestClients {
  return createTestClients(emulators, { echoUrl: `${echo.url}/` });
}

/** An app with the plugin and a route relaying AlertSite's devices. */
async function relayApp(clients = freshClients()): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(authClientsPlugin, { clients });
  app.get('/', async (request, reply) => {
    const upstream = await request.authClients.alertsite.fetch('devices');
    return reply.code(upstream.status).send(await upstream.json());
  });
  return app;
}

describe('request.authClients', () => {
  it('calls the API with a token: request.authClients.<name>.fetch', async () => {
    const res = await fetch(`${await serve(await relayApp())}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(EMULATOR_API_DATA.alertsite);
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
  });

  it('makes one token request for 50 concurrent requests to a cold app', async () => {
    const url = await serve(await relayApp());
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

  it('is built on first access only: a route that never touches it pays nothing more', async () => {
    const clients = freshClients();
    const withContext = vi.spyOn(clients, 'withContext');
    const tenant = vi.fn(() => 'acme');
    const seen: Record<string, unknown> = {};
    const app = Fastify();
    await app.register(authClientsPlugin, { clients, tenant });
    app.get('/ping', async (_request, reply) => {
      seen.listeners = reply.raw.listenerCount('close');
      return 'pong';
    });
    app.get('/touch', async (request, reply) => {
      const before = reply.raw.listenerCount('close');
      const view = request.authClients;
      seen.same = view === request.authClients;
      seen.names = view.names;
      seen.client = view.echo?.name; // the first use of a client binds the view
      seen.added = reply.raw.listenerCount('close') - before;
      return 'ok';
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
    const app = Fastify();
    await app.register(authClientsPlugin, { clients: freshClients() });
    app.get('/', async (request) => {
      views.push(request.authClients, request.authClients);
      return 'ok';
    });
    const url = await serve(app);
    await (await fetch(url)).text();
    await (await fetch(url)).text();
    expect(views[0]).toBe(views[1]);
    expect(views[2]).toBe(views[3]);
    expect(views[0]).not.toBe(views[2]);
  });

  it('passes x-request-id and traceparent on by default, nothing else', async () => {
    const app = Fastify();
    await app.register(authClientsPlugin, { clients: freshClients() });
    app.get('/', async (request) => (await request.authClients.echo.fetch('anything')).json());
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
    const app = Fastify();
    await app.register(authClientsPlugin, {
      clients: freshClients(),
      propagateHeaders: ['X-Correlation-Id', 'X-Region'],
    });
    app.get('/', async (request) => {
      const upstream = await request.authClients.echo.fetch('anything', {
        headers: { 'x-region': 'eu' },
      });
      return upstream.json();
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
    const tenantOf = (request: FastifyRequest) => request.headers['x-tenant-id'] as string;
    const tenant = vi.fn(tenantOf);
    const app = Fastify();
    await app.register(authClientsPlugin, { clients: freshClients(), tenant });
    app.get('/', async (request, reply) => {
      const path = `api/v2/tenants/${tenantOf(request)}/alerts/search`;
      const upstream = await request.authClients.tenants.fetch(path);
      return reply.code(upstream.status).send(await upstream.json());
    });
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
    const app = Fastify();
    await app.register(authClientsPlugin, {
      clients: freshClients(),
      tenant: () => 42 as unknown as string,
    });
    app.setErrorHandler((error, _request, reply) => {
      errors.push(error);
      return reply.code(500).send('failed');
    });
    app.get('/', async (request) => request.authClients.echo?.name);
    const res = await fetch(`${await serve(app)}/`);
    expect(res.status).toBe(500);
    expect(String(errors[0])).toMatch(/tenant resolver returned a number/);
  });

  it('aborts the outbound call when the client disconnects, and ends the request quietly', async () => {
    const outcome: { error?: unknown } = {};
    const errors: unknown[] = [];
    const app = Fastify();
    await app.register(authClientsPlugin, { clients: freshClients() });
    app.setErrorHandler((error) => {
      errors.push(error);
      throw error;
    });
    app.get('/slow', async (request) => {
      try {
        await request.authClients.alertsite.fetch('slow?ms=2000');
      } catch (error) {
        outcome.error = error;
        throw error;
      }
      return 'finished';
    });
    const url = await serve(app);

    expect(await leaveDuringUpstreamCall(url, '/slow', emulators.alertsite)).toBeLessThan(2_000);
    await vi.waitFor(() => expect(outcome.error).toBeDefined());
    expect(outcome.error).toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors.map(String)).toEqual([]);
  });

  it('aborts at once when the client left before the view was built', async () => {
    const outcome: { done?: boolean; error?: unknown } = {};
    const app = Fastify();
    await app.register(authClientsPlugin, { clients: freshClients() });
    app.get('/', async (request, reply) => {
      if (!reply.raw.destroyed) await new Promise((resolve) => reply.raw.once('close', resolve));
      await request.authClients.alertsite.fetch('devices').catch((error: unknown) => {
        outcome.error = error;
      });
      outcome.done = true;
      return 'late';
    });
    const req = openGet(await serve(app), '/');
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await vi.waitFor(() => expect(outcome.done).toBe(true));
    expect(outcome.error).toMatchObject({ name: 'AbortError' });
    expect(emulators.alertsite.stats.apiCalls).toBe(0);
  });

  it('does not abort a request whose body was read (the request stream closes early)', async () => {
    const app = Fastify();
    await app.register(authClientsPlugin, { clients: freshClients() });
    app.post('/', async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const upstream = await request.authClients.echo.fetch('after-body');
      return { body: request.body, upstream: upstream.status };
    });
    const res = await fetch(`${await serve(app)}/`, {
      method: 'POST',
      body: JSON.stringify({ hello: 'world' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: { hello: 'world' }, upstream: 200 });
  });

  it('reaches routes of plugins registered after it; encapsulated siblings keep their own', async () => {
    const outer = freshClients();
    const other = freshClients();
    const app = Fastify();
    await app.register(authClientsPlugin, { clients: outer });
    app.register(async (child) => {
      child.get('/child/names', async (request) => request.authClients.names);
    });
    app.register(async (sibling) => {
      await sibling.register(authClientsPlugin, { clients: other });
      sibling.get('/sibling/same', async (request) => ({
        other: request.authClients.withContext({}).names === other.names,
      }));
    });
    const url = await serve(app);
    expect(await (await fetch(`${url}/child/names`)).json()).toEqual(outer.names);
    expect(await (await fetch(`${url}/sibling/same`)).json()).toEqual({ other: true });
  });

  it('can be assigned for tests: a double replaces it for that request', async () => {
    const app = Fastify();
    await app.register(authClientsPlugin, { clients: freshClients() });
    app.get('/', async (request) => {
      if ((request.query as { fake?: string }).fake !== undefined) {
        request.authClients = { names: ['fake'] } as unknown as TestClients;
      }
      return request.authClients.names;
    });
    const url = await serve(app);
    expect(await (await fetch(`${url}/?fake`)).json()).toEqual(['fake']);
    expect(await (await fetch(`${url}/`)).json()).toEqual(['alertsite', 'tenants', 'echo']);
  });
});
