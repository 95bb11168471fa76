/**
 * The Express demo service: four token-protected providers behind one middleware. Everything about
 * the providers (credentials, URLs, routes) comes from `@auth/demo-config`; this file only wires
 * it into Express.
 */
import {
  type DemoClients,
  PROVIDER_ROUTES,
  relay,
  TENANT_HEADER,
  TENANT_ROUTE,
  tenantUpstream,
  UnknownTenantError,
} from '@auth/demo-config';
import { authClients, authErrorHandler } from '@auth/express';
import express, { type Express, type Request, type Response } from 'express';

// Types req.authClients for this program: req.authClients.alertsite, .opsrampTenants...
declare module '@auth/express' {
  interface Register {
    clients: DemoClients;
  }
}

/** The demo route that relays AlertSite's `slow?ms=2000` (for the abort test). */
export const SLOW_ROUTE = '/alertsite/slow';

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /**
   * Use `@auth/express` (default `true`). `false` builds the same routes calling the registry
   * directly (no per-request view, no abort, no header propagation; token failures are Express's
   * default 500): the baseline of the adapter overhead benchmark.
   */
  adapter?: boolean;
}

/** The tenant of a request: the `x-tenant-id` header. */
export function tenantOf(req: Request): string | undefined {
  return req.get(TENANT_HEADER) || undefined;
}

/**
 * Builds the demo app on `clients` (close them on shutdown).
 *
 * @example
 * const app = createDemoApp(createDemoClients(demoConfigFromEnv()));
 * app.listen(3004);
 */
export function createDemoApp(clients: DemoClients, options: DemoAppOptions = {}): Express {
  const adapter = options.adapter ?? true;
  // The clients of a request. Only routes that call a provider ask: /health and /ping never do.
  const clientsOf = adapter
    ? (req: Request): DemoClients => req.authClients
    : (req: Request): DemoClients => {
        const tenant = tenantOf(req);
        return tenant === undefined ? clients : clients.withContext({ tenant });
      };
  const send = (res: Response, { status, body }: { status: number; body: unknown }) => {
    res.status(status).json(body);
  };

  const app = express();
  if (adapter) app.use(authClients(clients, { tenant: tenantOf }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ping', (_req, res) => {
    res.type('text/plain').send('pong');
  });
  for (const { path, provider, upstream } of PROVIDER_ROUTES) {
    app.get(path, async (req, res) => send(res, await relay(clientsOf(req)[provider], upstream)));
  }
  app.get(SLOW_ROUTE, async (req, res) =>
    send(res, await relay(clientsOf(req).alertsite, 'slow?ms=2000')),
  );
  app.get(TENANT_ROUTE, async (req, res) => {
    const tenant = tenantOf(req);
    try {
      if (tenant === undefined) throw new UnknownTenantError(tenant);
      send(res, await relay(clientsOf(req).opsrampTenants, tenantUpstream(tenant)));
    } catch (error) {
      if (!(error instanceof UnknownTenantError)) throw error;
      res.status(404).type('application/problem+json').json({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'Unknown tenant',
      });
    }
  });
  // After the routes: token failures answer 502 with a problem body, a disconnect ends quietly.
  if (adapter) app.use(authErrorHandler());
  return app;
}
