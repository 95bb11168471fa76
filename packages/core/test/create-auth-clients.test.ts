import { AuthClient, AuthConfigError, createAuthClients, type TokenFlow } from '@auth/core';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { startApi } from './support/api-server.js';
import { fakeFlow } from './support/fake-flow.js';

let api: Awaited<ReturnType<typeof startApi>>;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

describe('createAuthClients', () => {
  it('returns a registry typed by client name', () => {
    const clients = createAuthClients({
      billing: { baseUrl: 'https://billing.example.com/api', flow: fakeFlow() },
      crm: { baseUrl: 'https://crm.example.com/', flow: fakeFlow() },
    });
    expectTypeOf(clients.billing).toEqualTypeOf<AuthClient>();
    // @ts-expect-error unknown client names do not type-check
    clients.unknown;
    expect(clients.names).toEqual(['billing', 'crm']);
    expect(clients.billing.baseUrl).toBe('https://billing.example.com/api/');
  });

  it.each([
    [{ a: { baseUrl: 'not a url', flow: fakeFlow() } }, 'clients.a.baseUrl', /not an absolute URL/],
    [{ a: { baseUrl: 'ftp://x.example/', flow: fakeFlow() } }, 'clients.a.baseUrl', /http/],
    [{ a: { baseUrl: 'https://x.example/' } }, 'clients.a.flow', /token flow/],
    [
      { a: { baseUrl: 'https://x.example/', flow: fakeFlow(), timeoutMs: -1 } },
      'clients.a.timeoutMs',
      /positive/,
    ],
    [
      {
        a: {
          baseUrl: 'https://x.example/',
          flow: fakeFlow(),
          allowedOrigins: ['https://y.example/path'],
        },
      },
      'clients.a.allowedOrigins[0]',
      /origin/,
    ],
    [{ close: { baseUrl: 'https://x.example/', flow: fakeFlow() } }, 'clients.close', /reserved/],
    [{}, 'clients', /at least one/],
  ])(
    'fails at construction with the client and option named (%#)',
    (definitions, option, problem) => {
      const attempt = () => createAuthClients(definitions as never);
      expect(attempt).toThrow(AuthConfigError);
      expect(attempt).toThrow(problem);
      try {
        attempt();
      } catch (error) {
        expect(error).toMatchObject({ code: 'AUTH_CONFIG_INVALID', option });
        expect((error as Error).message).toContain(option);
      }
    },
  );

  it('binds views to a request: signal, tenant and propagated headers', async () => {
    const flow = fakeFlow();
    const clients = createAuthClients({ api: { baseUrl: api.url, flow } });
    const controller = new AbortController();
    const view = clients.withContext({
      signal: controller.signal,
      headers: { 'x-request-id': 'req-1', traceparent: '00-abc-def-01' },
    });
    expect(view.api).toBe(view.api); // lazily created once per view
    await view.api.fetch('x', { headers: { 'x-request-id': 'explicit' } });
    expect(api.requests.at(-1)?.headers).toMatchObject({
      'x-request-id': 'explicit',
      traceparent: '00-abc-def-01',
    });
    controller.abort(new Error('client closed the connection'));
    await expect(view.api.fetch('y')).rejects.toThrow('client closed the connection');
    await expect(clients.api.fetch('z')).resolves.toMatchObject({ status: 200 });
  });

  it('keeps one token per tenant for per-tenant flows, and one for static flows', async () => {
    const tenantFlows = new Map<string, ReturnType<typeof fakeFlow>>();
    const perTenant = ({ tenant }: { tenant: string | undefined }): TokenFlow => {
      const flow = fakeFlow();
      tenantFlows.set(String(tenant), flow);
      return { ...flow, cacheKeyParts: [`client-of-${tenant}`] };
    };
    const shared = fakeFlow();
    const clients = createAuthClients({
      tenanted: { baseUrl: api.url, flow: perTenant },
      shared: { baseUrl: api.url, flow: shared },
    });
    const acme = clients.withContext({ tenant: 'acme' });
    const globex = clients.withContext({ tenant: 'globex' });
    await Promise.all([
      acme.tenanted.fetch('a'),
      acme.tenanted.fetch('a'),
      globex.tenanted.fetch('b'),
    ]);
    await Promise.all([acme.shared.fetch('a'), globex.shared.fetch('b')]);
    expect([...tenantFlows.keys()]).toEqual(['acme', 'globex']);
    expect(tenantFlows.get('acme')?.logins).toBe(1);
    expect(tenantFlows.get('globex')?.logins).toBe(1);
    expect(shared.logins).toBe(1);
  });

  it('closes every store once', async () => {
    let closed = 0;
    const store = {
      get: async () => undefined,
      set: async () => {},
      deleteIf: async () => false,
      close: async () => {
        closed += 1;
      },
    };
    const clients = createAuthClients({
      a: { baseUrl: api.url, flow: fakeFlow(), store },
      b: { baseUrl: api.url, flow: fakeFlow(), store },
    });
    await clients.close();
    expect(closed).toBe(1);
  });
});
