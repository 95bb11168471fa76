import type { AuthClient, AuthClients } from '@auth/core';
import type { FastifyPluginCallback, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthClientsPluginOptions,
  authClientsPlugin,
  type ClientsOf,
  type RegisteredAuthClients,
  type TenantResolver,
} from '../src/index.js';
import type { TestClients } from './support.js';

// What a user writes once: every `request.authClients` in the program is typed from it.
declare module '@auth/fastify' {
  interface Register {
    clients: TestClients;
  }
}

type Name = 'alertsite' | 'tenants' | 'echo';

describe('typing (checked by tsc: pnpm run typecheck)', () => {
  it('types request.authClients from the registered registry', () => {
    expectTypeOf<RegisteredAuthClients>().toEqualTypeOf<TestClients>();
    expectTypeOf<FastifyRequest['authClients']>().toEqualTypeOf<TestClients>();
    expectTypeOf<FastifyRequest['authClients']['alertsite']>().toEqualTypeOf<AuthClient>();

    const handler: RouteHandlerMethod = async (request) => {
      expectTypeOf(request.authClients.alertsite.fetch).toEqualTypeOf<AuthClient['fetch']>();
      expectTypeOf(request.authClients.withContext({ tenant: 'acme' })).toEqualTypeOf<
        AuthClients<Name>
      >();
      // @ts-expect-error a client that is not in the registry
      request.authClients.billing;
    };
    expectTypeOf(handler).toBeFunction();
  });

  it('falls back to an untyped registry until one is registered', () => {
    // biome-ignore lint/complexity/noBannedTypes: an empty Register, as before any declaration.
    expectTypeOf<ClientsOf<{}>>().toEqualTypeOf<AuthClients>();
  });

  it('types the plugin and its options', () => {
    expectTypeOf(authClientsPlugin).toEqualTypeOf<
      FastifyPluginCallback<AuthClientsPluginOptions>
    >();
    expectTypeOf<TestClients>().toExtend<AuthClientsPluginOptions['clients']>();
    expectTypeOf<TenantResolver>().parameter(0).toEqualTypeOf<FastifyRequest>();
    expectTypeOf<AuthClientsPluginOptions['propagateHeaders']>().toEqualTypeOf<
      readonly string[] | undefined
    >();
  });
});
