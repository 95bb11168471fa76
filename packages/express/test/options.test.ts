import { AuthConfigError, createAuthClients, flows } from '@auth/core';
import express from 'express';
import { describe, expect, it } from 'vitest';
import {
  type AuthClientsOptions,
  authClients,
  authErrorHandler,
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

/** Calls the factory with arbitrary (mistyped) arguments and returns what it threw. */
function creationError(clientsArg: unknown, options?: unknown): AuthConfigError {
  try {
    authClients(clientsArg as typeof clients, options as AuthClientsOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return error as AuthConfigError;
  }
  throw new Error('expected authClients() to throw');
}

describe('authClients() options, validated when the middleware is created', () => {
  it('returns named middleware: authClientsMiddleware, authErrorHandler (4 arguments)', () => {
    expect(authClients(clients).name).toBe('authClientsMiddleware');
    expect(authErrorHandler().name).toBe('authErrorHandler');
    expect(authErrorHandler().length).toBe(4);
  });

  it('accepts every documented option', () => {
    expect(() =>
      authClients(clients, {
        tenant: (req) => req.get('x-tenant-id'),
        propagateHeaders: ['X-Correlation-Id', 'traceparent'],
      }),
    ).not.toThrow();
    expect(() => authClients(clients, {})).not.toThrow();
    expect(() => authClients(clients, { propagateHeaders: [] })).not.toThrow();
  });

  it('defaults propagateHeaders to x-request-id and traceparent', () => {
    expect(DEFAULT_PROPAGATE_HEADERS).toEqual(['x-request-id', 'traceparent']);
  });

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a plain object of client definitions', { api: { baseUrl: 'https://x/' } }],
    ['one client instead of a registry', clients.api],
  ])('rejects %s as clients', (_label, value) => {
    const error = creationError(value);
    expect(error.code).toBe('AUTH_CONFIG_INVALID');
    expect(error.option).toBe('clients');
    expect(error.message).toMatch(/createAuthClients/);
  });

  it.each([
    ['options that are not an object', 'x-tenant-id', 'options'],
    ['a tenant that is not a function', { tenant: 'x-tenant-id' }, 'tenant'],
    [
      'propagateHeaders that is not an array',
      { propagateHeaders: 'x-request-id' },
      'propagateHeaders',
    ],
    ['an invalid header name', { propagateHeaders: ['bad header'] }, 'propagateHeaders[0]'],
    ['an unknown option (typo)', { tenants: () => 'acme' }, 'tenants'],
    ['an onTokenFailure that is not a function', { onTokenFailure: 'log' }, 'onTokenFailure'],
  ])('rejects %s, naming the option', (_label, options, option) => {
    const error = creationError(clients, options);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
  });

  it('fails when the app is assembled, before any request', () => {
    const app = express();
    expect(() =>
      app.use(authClients(clients, { tenant: 'acme' } as unknown as AuthClientsOptions)),
    ).toThrow(AuthConfigError);
  });
});
