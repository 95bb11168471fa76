import { AuthClient } from '@auth/core';
import { type Emulators, startEmulators } from '@auth/testing';
import { Context, Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authClients } from '../src/index.js';
import { emulatorClients, type Outbound, tenantAlerts } from './support.js';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());
afterEach(() => {
  vi.restoreAllMocks();
  for (const emulator of emulators.all) emulator.resetStats();
});

/** Spies on binding a client to a request's context (what the view does on first client use). */
const spyOnBind = () => vi.spyOn(AuthClient.prototype, 'withContext');

/** A Request that counts reads of `signal` and `headers` (what binding a view would touch). */
class CountingRequest extends Request {
  readonly reads = { signal: 0, headers: 0 };
  override get signal(): AbortSignal {
    this.reads.signal++;
    return super.signal;
  }
  override get headers(): Headers {
    this.reads.headers++;
    return super.headers;
  }
}

describe('the request-bound view on c.var.authClients', () => {
  it('costs a route that never touches a client nothing: no binding, no signal, no headers, no tenant', async () => {
    const clients = emulatorClients(emulators);
    const view = vi.spyOn(clients, 'withContext');
    const bind = spyOnBind();
    const tenant = vi.fn(() => 'client_1234');
    const app = new Hono()
      .use(authClients(clients, { tenant }))
      .get('/ping', (c) => c.text('pong'));

    const request = new CountingRequest('http://local/ping', {
      headers: { 'x-request-id': 'r-1', 'x-tenant-id': 'client_1234' },
    });
    const res = await app.request(request);
    expect(await res.text()).toBe('pong');
    expect(request.reads).toEqual({ signal: 0, headers: 0 });
    expect(view).not.toHaveBeenCalled();
    expect(bind).not.toHaveBeenCalled();
    expect(tenant).not.toHaveBeenCalled();
    expect(emulators.alertsite.stats.tokenAttempts).toBe(0);
  });

  it('hands on the promise of next() itself: no async wrapper of its own', async () => {
    const middleware = authClients(emulatorClients(emulators));
    const c = new Context(new Request('http://local/ping'));
    const downstream = Promise.resolve();
    expect(middleware(c, () => downstream)).toBe(downstream);
    expect(c.get('authClients').names).toEqual(['alertsite', 'tenants']);
  });

  it('binds once per request on first use: signal, tenant and headers read once', async () => {
    const clients = emulatorClients(emulators);
    const withContext = vi.spyOn(clients, 'withContext');
    const bind = spyOnBind();
    const tenant = vi.fn((c) => c.req.header('x-tenant-id'));
    const app = new Hono().use(authClients(clients, { tenant })).get('/both', async (c) => {
      const view = c.var.authClients;
      expect(view.alertsite).toBe(view.alertsite);
      const [a, b] = await Promise.all([
        view.alertsite.fetch('devices'),
        view.tenants.fetch(tenantAlerts('client_1234')),
      ]);
      return c.json([a.status, b.status]);
    });

    const request = new CountingRequest('http://local/both', {
      headers: { 'x-tenant-id': 'client_1234' },
    });
    expect(await (await app.request(request)).json()).toEqual([200, 200]);
    expect(withContext).toHaveBeenCalledTimes(1);
    expect(bind).toHaveBeenCalledTimes(2);
    expect(bind.mock.calls[0]?.[0]).toEqual({
      signal: expect.any(AbortSignal),
      tenant: 'client_1234',
    });
    expect(tenant).toHaveBeenCalledTimes(1);
    expect(request.reads.signal).toBe(1);
  });

  it('gives each request its own view, and the clients are AuthClients', async () => {
    const clients = emulatorClients(emulators);
    const seen: unknown[] = [];
    const app = new Hono().use(authClients(clients)).get('/view', (c) => {
      seen.push(c.var.authClients);
      expect(c.get('authClients')).toBe(c.var.authClients);
      const client = c.var.authClients.alertsite;
      expect(client).toBeInstanceOf(AuthClient);
      expect(client.name).toBe('alertsite');
      expect(client.baseUrl).toBe(emulators.alertsite.apiBaseUrl);
      expect(client.fetch).toBe(client.fetch);
      expect(c.var.authClients.names).toEqual(['alertsite', 'tenants']);
      return c.json(c.var.authClients);
    });
    const res = await app.request('/view');
    expect(await res.json()).toEqual({ clients: ['alertsite', 'tenants'] });
    await app.request('/view');
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('passes on the correlation headers present, lower-cased names, never overriding the call', async () => {
    const outbound: Outbound[] = [];
    const clients = emulatorClients(emulators, { outbound });
    const app = new Hono()
      .use(authClients(clients))
      .get('/default', async (c) => {
        await c.var.authClients.alertsite.fetch('devices');
        return c.body(null, 204);
      })
      .get('/own', async (c) => {
        await c.var.authClients.alertsite.fetch('devices', { headers: { 'x-request-id': 'own' } });
        return c.body(null, 204);
      });

    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await app.request('/default', { headers: { 'X-Request-Id': 'req-1', traceparent } });
    const api = outbound.filter((o) => o.url.endsWith('/devices'));
    expect(api).toHaveLength(1);
    expect(api[0]?.headers.get('x-request-id')).toBe('req-1');
    expect(api[0]?.headers.get('traceparent')).toBe(traceparent);
    // The token request is the core's business: correlation headers are for API calls.
    expect(emulators.alertsite.stats.lastTokenRequest?.headers['x-request-id']).toBeUndefined();

    outbound.length = 0;
    await app.request('/default', { headers: { 'x-request-id': 'req-2' } });
    expect(outbound[0]?.headers.get('x-request-id')).toBe('req-2');
    expect(outbound[0]?.headers.has('traceparent')).toBe(false);

    outbound.length = 0;
    await app.request('/own', { headers: { 'x-request-id': 'incoming' } });
    expect(outbound[0]?.headers.get('x-request-id')).toBe('own');
  });

  it('propagates only the configured headers (case-insensitive); [] turns it off', async () => {
    const outbound: Outbound[] = [];
    const clients = emulatorClients(emulators, { outbound });
    const custom = new Hono()
      .use(authClients(clients, { propagateHeaders: ['X-Correlation-Id'] }))
      .get('/', async (c) => {
        await c.var.authClients.alertsite.fetch('devices');
        return c.body(null, 204);
      });
    await custom.request('/', { headers: { 'x-correlation-id': 'c-1', 'x-request-id': 'r-1' } });
    const api = outbound.filter((o) => o.url.endsWith('/devices'));
    expect(api[0]?.headers.get('x-correlation-id')).toBe('c-1');
    expect(api[0]?.headers.has('x-request-id')).toBe(false);

    outbound.length = 0;
    const off = new Hono()
      .use(authClients(clients, { propagateHeaders: [] }))
      .get('/', async (c) => {
        await c.var.authClients.alertsite.fetch('devices');
        return c.body(null, 204);
      });
    await off.request('/', { headers: { 'x-request-id': 'r-1' } });
    expect(outbound[0]?.headers.has('x-request-id')).toBe(false);
  });

  it('resolves the tenant per request: two tenants get two tokens, a tenant reuses its own', async () => {
    const clients = emulatorClients(emulators);
    const app = new Hono()
      .use(authClients(clients, { tenant: (c) => c.req.header('x-tenant-id') }))
      .get('/alerts', async (c) => {
        const tenant = c.req.header('x-tenant-id') ?? '';
        const res = await c.var.authClients.tenants.fetch(tenantAlerts(tenant));
        return c.json(await res.json(), res.status as 200);
      });
    const call = (tenant: string) => app.request('/alerts', { headers: { 'x-tenant-id': tenant } });

    const answers = await Promise.all([
      call('client_1234'),
      call('client_5678'),
      call('client_1234'),
      call('client_5678'),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await call('client_1234');
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ client_1234: 1, client_5678: 1 });
  });

  it('treats an empty tenant as none, and rejects a resolver returning a non-string', async () => {
    const clients = emulatorClients(emulators);
    const bind = spyOnBind();
    const app = new Hono()
      .use(authClients(clients, { tenant: (c) => c.req.header('x-tenant-id') as string }))
      .get('/', (c) => c.text(c.var.authClients.alertsite.name));
    await app.request('/', { headers: { 'x-tenant-id': '' } });
    expect(bind).toHaveBeenCalledTimes(1);
    expect(bind.mock.calls[0]?.[0]).not.toHaveProperty('tenant');

    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bad = new Hono()
      .use(authClients(clients, { tenant: () => 42 as unknown as string }))
      .get('/', (c) => c.text(c.var.authClients.alertsite.name));
    expect((await bad.request('/')).status).toBe(500);
    expect(String(logged.mock.calls[0]?.[0])).toMatch(/tenant resolver/);
    logged.mockRestore();
  });

  it('narrows further with withContext() and keeps the request binding', async () => {
    const clients = emulatorClients(emulators);
    const app = new Hono()
      .use(authClients(clients, { tenant: () => 'client_1234' }))
      .get('/other', async (c) => {
        const other = c.var.authClients.withContext({ tenant: 'client_5678' });
        expect(other.tenants).toBeInstanceOf(AuthClient);
        const res = await other.tenants.fetch(tenantAlerts('client_5678'));
        return c.json({ status: res.status, view: other });
      });
    const body = await (await app.request('/other')).json();
    expect(body).toEqual({
      status: 200,
      view: { clients: ['alertsite', 'tenants'] },
    });
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ client_5678: 1 });
  });

  it('shares the registry tokens across requests (one login for many requests)', async () => {
    const clients = emulatorClients(emulators);
    const app = new Hono().use(authClients(clients)).get('/devices', async (c) => {
      const res = await c.var.authClients.alertsite.fetch('devices');
      return c.json(await res.json(), res.status as 200);
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.request('/devices')));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
    await clients.close();
  });
});
