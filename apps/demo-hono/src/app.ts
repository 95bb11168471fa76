import { isAuthError } from '@auth/core';
import {
  createDemoClients,
  type DemoClients,
  type DemoConfig,
  PROVIDER_ROUTES,
  relay,
  TENANT_HEADER,
  TENANT_ROUTE,
  tenantUpstream,
  UnknownTenantError,
} from '@auth/demo-config';
import { type AuthClientsEnv, AuthGatewayException, authClients } from '@auth/hono';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Demo route relaying AlertSite's `slow?ms=2000`: for showing that a disconnect aborts the call. */
export const SLOW_ROUTE = '/alertsite/slow';
/** Upstream path of {@link SLOW_ROUTE}. */
export const SLOW_UPSTREAM = 'slow?ms=2000';

/** The demo app's Hono environment: `c.var.authClients` is the demo registry. */
export type DemoEnv = AuthClientsEnv<DemoClients>;

/** Where the demo's clients come from, and whether to use the adapter. */
export type DemoAppOptions = ({ config: DemoConfig } | { clients: DemoClients }) & {
  /**
   * `true` (default): `app.use(authClients(clients, { tenant }))` and handlers read
   * `c.var.authClients`. `false`: the same routes without the adapter, each handler binding
   * `clients.withContext({ signal, tenant })` by hand (the baseline of the overhead benchmark).
   */
  adapter?: boolean;
};

/** The built app and its clients (close them on shutdown). */
export interface DemoApp {
  app: Hono<DemoEnv>;
  clients: DemoClients;
}

/**
 * The demo service: `GET /health`, `GET /ping` (touches no client), one route per provider
 * (`PROVIDER_ROUTES`), `GET /alertsite/slow`, and `GET /tenant/alerts` whose tenant comes from
 * the `x-tenant-id` header. A token failure answers 502 problem details; an unknown tenant 404.
 *
 * @example
 * const { app, clients } = createDemoApp({ config: demoConfigFromEnv() });
 * serve({ fetch: app.fetch, port: 3003 });
 */
export function createDemoApp(options: DemoAppOptions): DemoApp {
  const clients = 'clients' in options ? options.clients : createDemoClients(options.config);
  const tenantOf = (c: Context): string | undefined => c.req.header(TENANT_HEADER);
  const app = new Hono<DemoEnv>();

  let clientsOf: (c: Context<DemoEnv>) => DemoClients;
  if (options.adapter ?? true) {
    app.use(authClients(clients, { tenant: tenantOf }));
    clientsOf = (c) => c.var.authClients;
  } else {
    clientsOf = (c) => clients.withContext({ signal: c.req.raw.signal, tenant: tenantOf(c) });
  }

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ping', (c) => c.text('pong'));
  for (const { provider, path, upstream } of PROVIDER_ROUTES) {
    app.get(path, async (c) => {
      const { status, body } = await relay(clientsOf(c)[provider], upstream);
      return c.json(body, status as ContentfulStatusCode);
    });
  }
  app.get(SLOW_ROUTE, async (c) => {
    const { status, body } = await relay(clientsOf(c).alertsite, SLOW_UPSTREAM);
    return c.json(body, status as ContentfulStatusCode);
  });
  app.get(TENANT_ROUTE, async (c) => {
    const tenant = tenantOf(c);
    if (tenant === undefined || tenant === '') throw new UnknownTenantError(tenant);
    const { status, body } = await relay(clientsOf(c).opsrampTenants, tenantUpstream(tenant));
    return c.json(body, status as ContentfulStatusCode);
  });

  app.onError((err, c) => {
    if (err instanceof UnknownTenantError) {
      return c.json({ error: 'unknown_tenant', message: err.message }, 404);
    }
    // With the adapter, token failures arrive as AuthGatewayException (an HTTPException).
    if (err instanceof HTTPException) return err.getResponse();
    // Without it, they are plain AuthErrors: answer the same problem details.
    if (isAuthError(err)) return new AuthGatewayException(err).getResponse();
    console.error(err);
    return c.json({ error: 'internal_error' }, 500);
  });

  return { app, clients };
}
