import { EventEmitter } from 'node:events';
import { AuthConfigError, AuthError, createAuthClients } from '@auth/core';
import {
  abortOnDisconnect,
  DEFAULT_PROPAGATE_HEADERS,
  nodeHeaders,
  requestContext,
  resolveAdapterOptions,
  tokenProblem,
} from '@auth/core/adapter';
import { describe, expect, it } from 'vitest';
import { fakeFlow } from './support/fake-flow.js';

const clients = createAuthClients({
  api: { baseUrl: 'https://api.example.com/', flow: fakeFlow() },
});

describe('resolveAdapterOptions', () => {
  it('defaults and normalises', () => {
    expect(resolveAdapterOptions(clients, undefined)).toEqual({
      clients,
      tenant: undefined,
      propagateHeaders: DEFAULT_PROPAGATE_HEADERS,
    });
    const tenant = () => 't';
    expect(
      resolveAdapterOptions(clients, {
        tenant,
        propagateHeaders: ['X-Request-Id', 'x-request-id', 'B3'],
      }),
    ).toEqual({ clients, tenant, propagateHeaders: ['x-request-id', 'b3'] });
  });

  it.each([
    [{}, undefined, 'clients'],
    [clients, 'nope', 'options'],
    [clients, { tenants: () => 'x' }, 'tenants'],
    [clients, { tenant: 'acme' }, 'tenant'],
    [clients, { propagateHeaders: 'x-request-id' }, 'propagateHeaders'],
    [clients, { propagateHeaders: ['ok', 'bad header'] }, 'propagateHeaders[1]'],
  ])('names the bad option (%#)', (registry, options, option) => {
    expect(() => resolveAdapterOptions(registry, options)).toThrow(AuthConfigError);
    try {
      resolveAdapterOptions(registry, options);
    } catch (error) {
      expect(error).toMatchObject({ code: 'AUTH_CONFIG_INVALID', option });
    }
  });

  it('accepts the adapter’s own extra options', () => {
    expect(() => resolveAdapterOptions(clients, { isGlobal: true }, ['isGlobal'])).not.toThrow();
  });
});

describe('requestContext', () => {
  const options = resolveAdapterOptions<{ tenant: unknown }>(clients, {
    tenant: (request: { tenant: unknown }) => request.tenant as string,
  });
  const headers: Record<string, string> = { 'x-request-id': 'r-1', other: 'no' };
  const incoming = (tenant: unknown) => ({
    request: { tenant },
    header: (name: string) => headers[name],
  });

  it('resolves the tenant and picks only the propagated headers present', () => {
    expect(requestContext(options, incoming('acme'))).toEqual({
      tenant: 'acme',
      headers: { 'x-request-id': 'r-1' },
    });
    expect(requestContext(options, incoming(''))).toEqual({ headers: { 'x-request-id': 'r-1' } });
    expect(requestContext(options, incoming(null))).toEqual({ headers: { 'x-request-id': 'r-1' } });
  });

  it('rejects a tenant resolver returning a non-string', () => {
    expect(() => requestContext(options, incoming(42))).toThrow(/returned a number/);
  });
});

describe('nodeHeaders', () => {
  it('reads a Node header, joining repeated values', () => {
    const header = nodeHeaders({ 'x-request-id': 'r-1', 'x-forwarded-for': ['a', 'b'] });
    expect(header('x-request-id')).toBe('r-1');
    expect(header('x-forwarded-for')).toBe('a, b');
    expect(header('traceparent')).toBeUndefined();
  });
});

describe('the main entry', () => {
  it('leaves the adapter-author helpers to @auth/core/adapter', async () => {
    const main: Record<string, unknown> = await import('@auth/core');
    for (const name of [
      'resolveAdapterOptions',
      'requestContext',
      'abortOnDisconnect',
      'tokenProblem',
    ]) {
      expect(main[name]).toBeUndefined();
    }
  });
});

describe('lazy withContext', () => {
  it('computes the context once, only when a client is used', () => {
    let computed = 0;
    const view = clients.withContext(() => {
      computed += 1;
      return { tenant: 'acme' };
    });
    expect(view.names).toEqual(['api']);
    expect(computed).toBe(0);
    expect(view.api).toBe(view.api);
    expect(computed).toBe(1);
    expect(view.api.toJSON()).toMatchObject({ tenant: 'acme' });
  });
});

describe('abortOnDisconnect', () => {
  function response() {
    return Object.assign(new EventEmitter(), { writableFinished: false, destroyed: false });
  }

  it('aborts when the response closes before it finished', () => {
    const res = response();
    const signal = abortOnDisconnect(res);
    expect(signal.aborted).toBe(false);
    res.emit('close');
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('AbortError');
  });

  it('does not abort after a finished response, and aborts at once if already destroyed', () => {
    const finished = response();
    const signal = abortOnDisconnect(finished);
    finished.writableFinished = true;
    finished.emit('close');
    expect(signal.aborted).toBe(false);
    expect(abortOnDisconnect({ ...response(), destroyed: true, once: () => {} }).aborted).toBe(
      true,
    );
  });
});

describe('tokenProblem', () => {
  it('carries the code and a fixed detail only', () => {
    const error = new AuthError('TOKEN_ENDPOINT_REJECTED', 'secret-ish vendor text');
    expect(tokenProblem(error)).toEqual({
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      code: 'TOKEN_ENDPOINT_REJECTED',
      detail: 'Could not obtain an access token from an upstream provider',
    });
  });
});
