import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type AuthClient, createAuthClients, presets } from '@auth/core';
import { Hono, type MiddlewareHandler } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type AuthClientsEnv, authClients } from '../src/index.js';

const clients = createAuthClients({
  alertsite: presets.alertsite({ username: 'u', password: 'p', baseUrl: 'http://127.0.0.1:9/a/' }),
  billing: presets.alertsite({ username: 'u', password: 'p', baseUrl: 'http://127.0.0.1:9/b/' }),
});

describe('typing: c.var.authClients is typed like the registry', () => {
  it('returns a middleware whose Variables carry typeof clients', () => {
    const middleware = authClients(clients);
    expectTypeOf(middleware).toEqualTypeOf<
      MiddlewareHandler<{ Variables: { authClients: typeof clients } }>
    >();
    expectTypeOf(middleware).toEqualTypeOf<MiddlewareHandler<AuthClientsEnv<typeof clients>>>();
  });

  it('chains the type through new Hono().use(...)', async () => {
    const app = new Hono().use(authClients(clients)).get('/names', (c) => {
      expectTypeOf(c.var.authClients).toEqualTypeOf<typeof clients>();
      expectTypeOf(c.get('authClients')).toEqualTypeOf<typeof clients>();
      expectTypeOf(c.var.authClients.alertsite).toEqualTypeOf<AuthClient>();
      expectTypeOf(c.var.authClients.billing.fetch).toEqualTypeOf<AuthClient['fetch']>();
      expectTypeOf(c.var.authClients.names).toEqualTypeOf<readonly ('alertsite' | 'billing')[]>();
      // @ts-expect-error: no client of that name
      c.var.authClients.nope;
      return c.json(c.var.authClients.names);
    });
    const res = await app.request('/names');
    expect(await res.json()).toEqual(['alertsite', 'billing']);
  });

  it('types a sub-app with AuthClientsEnv', async () => {
    const api = new Hono<AuthClientsEnv<typeof clients>>().get('/base', (c) =>
      c.text(c.var.authClients.billing.baseUrl),
    );
    const app = new Hono().use(authClients(clients)).route('/api', api);
    expect(await (await app.request('/api/base')).text()).toBe('http://127.0.0.1:9/b/');
  });

  it('passes the Hono Context to the tenant resolver', () => {
    authClients(clients, {
      tenant: (c) => {
        expectTypeOf(c.req.header('x-tenant-id')).toEqualTypeOf<string | undefined>();
        return c.req.header('x-tenant-id');
      },
    });
  });
});

describe('typing: the ContextVariableMap augmentation alternative', () => {
  it('type-checks test/fixtures/augmentation (the README example) with tsc', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const project = fileURLToPath(
      new URL('./fixtures/augmentation/tsconfig.json', import.meta.url),
    );
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', project]).catch(
      (error: { stdout: string; code: number }) => error,
    );
    expect(result.stdout).toBe('');
  }, 60_000);
});
