/**
 * The Koa demo service: four token-protected providers behind one middleware. Everything about
 * the providers (credentials, URLs, routes) comes from `@auth/demo-config`; this file only wires
 * it into Koa.
 */
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
import { authClients } from '@auth/koa';
import Koa from 'koa';

// Types ctx.authClients for this program: ctx.authClients.alertsite, .opsrampTenants...
declare module '@auth/koa' {
  interface Register {
    clients: DemoClients;
  }
}

/** The demo route that relays AlertSite's `slow?ms=2000` (for the abort test). */
export const SLOW_ROUTE = '/alertsite/slow';

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /**
   * Use `@auth/koa` (default `true`). `false` builds the same routes calling the registry
   * directly (no per-request view, no abort, no header propagation; token failures are Koa's
   * default 500): the baseline of the adapter overhead benchmark.
   */
  adapter?: boolean;
}

/** The app and the clients it calls (close them on shutdown). */
export interface DemoApp {
  app: Koa;
  clients: DemoClients;
}

type Route = (ctx: Koa.Context) => Promise<void> | void;

/** The tenant of a request: the `x-tenant-id` header. */
export function tenantOf(ctx: Koa.Context): string | undefined {
  return ctx.get(TENANT_HEADER) || undefined;
}

/**
 * Builds the demo app from a configuration (its clients are created here) or ready clients.
 *
 * @example
 * const { app, clients } = createDemoApp(demoConfigFromEnv());
 * const server = app.listen(3002);
 */
export function createDemoApp(
  source: DemoConfig | DemoClients,
  options: DemoAppOptions = {},
): DemoApp {
  const clients = isRegistry(source) ? source : createDemoClients(source);
  const adapter = options.adapter ?? true;
  // The clients of a request. Only routes that call a provider ask: /health and /ping never do.
  const clientsOf = adapter
    ? (ctx: Koa.Context): DemoClients => ctx.authClients
    : (ctx: Koa.Context): DemoClients => {
        const tenant = tenantOf(ctx);
        return tenant === undefined ? clients : clients.withContext({ tenant });
      };

  const routes = new Map<string, Route>([
    [
      '/health',
      (ctx) => {
        ctx.body = { status: 'ok' };
      },
    ],
    [
      '/ping',
      (ctx) => {
        ctx.body = 'pong';
      },
    ],
    ...PROVIDER_ROUTES.map(({ path, provider, upstream }): [string, Route] => [
      path,
      async (ctx) => send(ctx, await relay(clientsOf(ctx)[provider], upstream)),
    ]),
    [SLOW_ROUTE, async (ctx) => send(ctx, await relay(clientsOf(ctx).alertsite, 'slow?ms=2000'))],
    [
      TENANT_ROUTE,
      async (ctx) => {
        const tenant = tenantOf(ctx);
        try {
          if (tenant === undefined) throw new UnknownTenantError(tenant);
          send(ctx, await relay(clientsOf(ctx).opsrampTenants, tenantUpstream(tenant)));
        } catch (error) {
          if (!(error instanceof UnknownTenantError)) throw error;
          ctx.status = 404;
          ctx.body = {
            type: 'about:blank',
            title: 'Not Found',
            status: 404,
            detail: 'Unknown tenant',
          };
          ctx.type = 'application/problem+json';
        }
      },
    ],
  ]);

  const app = new Koa();
  if (adapter) app.use(authClients(clients, { tenant: tenantOf }));
  app.use(async function router(ctx) {
    const route = ctx.method === 'GET' || ctx.method === 'HEAD' ? routes.get(ctx.path) : undefined;
    if (route !== undefined) await route(ctx);
  });
  return { app, clients };
}

function send(ctx: Koa.Context, { status, body }: { status: number; body: unknown }): void {
  ctx.status = status;
  ctx.body = body;
}

function isRegistry(source: DemoConfig | DemoClients): source is DemoClients {
  return typeof (source as Partial<DemoClients>).withContext === 'function';
}
