import type { AuthClient, AuthClients } from '@auth/core';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthClientsOptions,
  authClients,
  authErrorHandler,
  type ClientsOf,
  type RegisteredAuthClients,
  type TenantResolver,
} from '../src/index.js';
import type { TestClients } from './support.js';

// What a user writes once: every `req.authClients` in the program is typed from it.
declare module '@auth/express' {
  interface Register {
    clients: TestClients;
  }
}

type Name = 'alertsite' | 'tenants' | 'echo';

describe('typing (checked by tsc: pnpm run typecheck)', () => {
  it('types req.authClients from the registered registry', () => {
    expectTypeOf<RegisteredAuthClients>().toEqualTypeOf<TestClients>();
    expectTypeOf<Request['authClients']>().toEqualTypeOf<TestClients>();
    expectTypeOf<Request['authClients']['alertsite']>().toEqualTypeOf<AuthClient>();

    const handler: RequestHandler = async (req) => {
      expectTypeOf(req.authClients.alertsite.fetch).toEqualTypeOf<AuthClient['fetch']>();
      expectTypeOf(req.authClients.withContext({ tenant: 'acme' })).toEqualTypeOf<
        AuthClients<Name>
      >();
      // @ts-expect-error a client that is not in the registry
      req.authClients.billing;
    };
    expectTypeOf(handler).toBeFunction();
  });

  it('falls back to an untyped registry until one is registered', () => {
    // biome-ignore lint/complexity/noBannedTypes: an empty Register, as before any declaration.
    expectTypeOf<ClientsOf<{}>>().toEqualTypeOf<AuthClients>();
  });

  it('types the factories: registry, options, Express middleware', () => {
    expectTypeOf(authClients<Name>)
      .parameter(0)
      .toEqualTypeOf<AuthClients<Name>>();
    expectTypeOf(authClients).parameter(1).toEqualTypeOf<AuthClientsOptions | undefined>();
    expectTypeOf(authClients).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(authErrorHandler).returns.toEqualTypeOf<ErrorRequestHandler>();
    expectTypeOf<TenantResolver>().parameter(0).toEqualTypeOf<Request>();
  });
});
