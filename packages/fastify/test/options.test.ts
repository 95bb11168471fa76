import { AuthConfigError, createAuthClients, flows } from '@auth/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  type AuthClientsPluginOptions,
  authClientsPlugin,
  DEFAULT_PROPAGATE_HEADERS,
} from '../src/index.js';

const clients = createAuthClients({
  api: {
    baseUrl: 'https://api.example.com/',
    flow: flows.jsonCredentials({
      tokenUrl: 'https://api.example.com/token',
      username: 'u',
      password: 'p',
    }),
  },
});

/** Registers the plugin with arbitrary (mistyped) options; returns what `ready()` rejected with. */
async function startupError(options: unknown): Promise<AuthConfigError> {
  const app = Fastify();
  app.register(authClientsPlugin, options as AuthClientsPluginOptions);
  try {
    await app.ready();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return error as AuthConfigError;
  } finally {
    await app.close();
  }
  throw new Error('expected app.ready() to reject');
}

describe('authClientsPlugin options, validated when the plugin loads', () => {
  it('is a named plugin that is not encapsulated (what fastify-plugin marks)', () => {
    const marks = authClientsPlugin as unknown as Record<symbol, unknown>;
    expect(authClientsPlugin.name).toBe('authClientsPlugin');
    expect(marks[Symbol.for('skip-override')]).toBe(true);
    expect(marks[Symbol.for('fastify.display-name')]).toBe('@auth/fastify');
  });

  it('accepts every documented option', async () => {
    const app = Fastify();
    await app.register(authClientsPlugin, {
      clients,
      tenant: (request) => request.headers['x-tenant-id'] as string | undefined,
      propagateHeaders: ['X-Correlation-Id', 'traceparent'],
    });
    await app.ready();
    expect(app.hasRequestDecorator('authClients')).toBe(true);
    await app.close();
  });

  it('defaults propagateHeaders to x-request-id and traceparent', () => {
    expect(DEFAULT_PROPAGATE_HEADERS).toEqual(['x-request-id', 'traceparent']);
  });

  it.each([
    ['no options', undefined],
    ['no clients', {}],
    ['a plain object of client definitions', { clients: { api: { baseUrl: 'https://x/' } } }],
    ['one client instead of a registry', { clients: clients.api }],
  ])('rejects %s as clients, at startup', async (_label, options) => {
    const error = await startupError(options);
    expect(error.code).toBe('AUTH_CONFIG_INVALID');
    expect(error.option).toBe('clients');
    expect(error.message).toMatch(/createAuthClients/);
  });

  it.each([
    ['a tenant that is not a function', { tenant: 'x-tenant-id' }, 'tenant'],
    [
      'propagateHeaders that is not an array',
      { propagateHeaders: 'x-request-id' },
      'propagateHeaders',
    ],
    ['an invalid header name', { propagateHeaders: ['bad header'] }, 'propagateHeaders[0]'],
    ['an unknown option (typo)', { tenants: () => 'acme' }, 'tenants'],
    ['an onTokenFailure that is not a function', { onTokenFailure: 'log' }, 'onTokenFailure'],
  ])('rejects %s at startup, naming the option', async (_label, options, option) => {
    const error = await startupError({ clients, ...options });
    expect(error.option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
  });
});
