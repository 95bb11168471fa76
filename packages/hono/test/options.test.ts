import { AuthConfigError, createAuthClients, presets } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { authClients, DEFAULT_PROPAGATE_HEADERS } from '../src/index.js';

const clients = createAuthClients({
  alertsite: presets.alertsite({
    username: 'user',
    password: 'secret',
    baseUrl: 'http://127.0.0.1:9/api/',
  }),
});

/** Calls `create` and returns the AuthConfigError it threw. */
function configError(create: () => unknown): AuthConfigError {
  try {
    create();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return error as AuthConfigError;
  }
  throw new Error('expected an AuthConfigError');
}

describe('authClients() options: misconfiguration fails when the middleware is created', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a plain object of client options', { alertsite: { baseUrl: 'https://x' } }],
    ['a single AuthClient', clients.alertsite],
    ['an object with names but no withContext', { names: ['a'], close: async () => {} }],
    [
      'a registry-like object without subscribe',
      { names: ['a'], withContext: () => ({}), close: async () => {} },
    ],
  ])('rejects %s as the registry, naming "clients"', (_label, value) => {
    const error = configError(() => authClients(value as unknown as typeof clients));
    expect(error.option).toBe('clients');
    expect(error.code).toBe('AUTH_CONFIG_INVALID');
    expect(error.message).toMatch(/createAuthClients/);
  });

  it('rejects options that are not an object', () => {
    expect(configError(() => authClients(clients, null as never)).option).toBe('options');
    expect(configError(() => authClients(clients, 'x' as never)).option).toBe('options');
  });

  it('rejects a tenant that is not a function', () => {
    const error = configError(() => authClients(clients, { tenant: 'x-tenant-id' as never }));
    expect(error.option).toBe('tenant');
  });

  it('rejects propagateHeaders that is not an array of header names', () => {
    expect(
      configError(() => authClients(clients, { propagateHeaders: 'x-request-id' as never })).option,
    ).toBe('propagateHeaders');
    expect(
      configError(() => authClients(clients, { propagateHeaders: ['x-request-id', 'bad header'] }))
        .option,
    ).toBe('propagateHeaders[1]');
    expect(
      configError(() => authClients(clients, { propagateHeaders: [42 as never] })).option,
    ).toBe('propagateHeaders[0]');
  });

  it('rejects an onTokenFailure that is neither a function nor false', () => {
    for (const value of [true, 'console', {}]) {
      const error = configError(() => authClients(clients, { onTokenFailure: value as never }));
      expect(error.option).toBe('onTokenFailure');
    }
  });

  it('rejects an unknown option (a typo), naming it', () => {
    const error = configError(() =>
      authClients(clients, { propagateHeader: ['x-request-id'] } as never),
    );
    expect(error.option).toBe('propagateHeader');
  });

  it('accepts the defaults, a resolver and an empty header list', () => {
    expect(DEFAULT_PROPAGATE_HEADERS).toEqual(['x-request-id', 'traceparent']);
    expect(Object.isFrozen(DEFAULT_PROPAGATE_HEADERS)).toBe(true);
    expect(typeof authClients(clients)).toBe('function');
    expect(typeof authClients(clients, {})).toBe('function');
    expect(
      typeof authClients(clients, {
        tenant: (c) => c.req.header('x-tenant'),
        propagateHeaders: [],
      }),
    ).toBe('function');
  });

  it('names the inner function for stack traces', () => {
    expect(authClients(clients).name).toBe('authClientsMiddleware');
  });
});
