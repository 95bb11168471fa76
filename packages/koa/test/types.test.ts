import type { AuthClient, AuthClients } from '@auth/core';
import type Koa from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthClientsOptions,
  authClients,
  type ClientsOf,
  type RegisteredAuthClients,
  type TenantResolver,
} from '../src/index.js';
import type { TestClients } from './support.js';

// What a user writes once: every `ctx.authClients` in the program is typed from it.
declare module '@auth/koa' {
  interface Register {
    clients: TestClients;
  }
}

type Name = 'alertsite' | 'tenants' | 'echo';

describe('typing (checked by tsc: pnpm run typecheck)', () => {
  it('types ctx.authClients from the registered registry', () => {
    expectTypeOf<RegisteredAuthClients>().toEqualTypeOf<TestClients>();
    expectTypeOf<Koa.Context['authClients']>().toEqualTypeOf<TestClients>();
    expectTypeOf<Koa.Context['authClients']['alertsite']>().toEqualTypeOf<AuthClient>();
    expectTypeOf<Koa.Context['authClients']['names']>().toEqualTypeOf<readonly Name[]>();

    const route: Koa.Middleware = async (ctx) => {
      expectTypeOf(ctx.authClients.alertsite.fetch).toEqualTypeOf<AuthClient['fetch']>();
      expectTypeOf(ctx.authClients.withContext({ tenant: 'acme' })).toEqualTypeOf<
        AuthClients<Name>
      >();
      // @ts-expect-error a client that is not in the registry
      ctx.authClients.billing;
    };
    expectTypeOf(route).toBeFunction();
  });

  it('falls back to an untyped registry until one is registered', () => {
    // biome-ignore lint/complexity/noBannedTypes: an empty Register, as before any declaration.
    expectTypeOf<ClientsOf<{}>>().toEqualTypeOf<AuthClients>();
    expectTypeOf<ClientsOf<{ clients: TestClients }>>().toEqualTypeOf<TestClients>();
  });

  it('types the factory: registry, options, Koa middleware', () => {
    expectTypeOf(authClients).parameter(0).toEqualTypeOf<AuthClients<string>>();
    expectTypeOf(authClients<Name>)
      .parameter(0)
      .toEqualTypeOf<AuthClients<Name>>();
    expectTypeOf(authClients).parameter(1).toEqualTypeOf<AuthClientsOptions | undefined>();
    expectTypeOf(authClients).returns.toEqualTypeOf<Koa.Middleware>();
    expectTypeOf<TenantResolver>().parameter(0).toEqualTypeOf<Koa.Context>();
    expectTypeOf<TenantResolver>().returns.toEqualTypeOf<string | undefined>();
    expectTypeOf<AuthClientsOptions['propagateHeaders']>().toEqualTypeOf<
      readonly string[] | undefined
    >();
  });
});
