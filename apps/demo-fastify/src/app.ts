/**
 * The Fastify demo service: four token-protected providers behind one plugin. Everything about
 * the providers (credentials, URLs, routes) comes from `@auth/demo-config`; this file only wires
 * it into Fastify.
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
import { authClientsPlugin } from '@auth/fastify';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';

// Types request.authClients for this program: request.authClients.alertsite, .opsrampTenants...
declare module '@auth/fastify' {
  interface Register {
    clients: DemoClients;
  }
}

/** The demo route that relays AlertSite's `slow?ms=2000` (for the abort test). */
export const SLOW_ROUTE = '/alertsite/slow';

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /**
   * Use `@auth/fastify` (default `true`). `false` builds the same routes calling the registry
   * directly (no per-request view, no abort, no header propagation; token failures are Fastify's
   * default 500): the baseline of the adapter overhead benchmark.
   */
  adapter?: boolean;
  /** Fastify's logger option. Default: off. */
  logger?: FastifyServerOptions['logger'];
}

/** The tenant of a request: the `x-tenant-id` header. */
export function tenantOf(request: FastifyRequest): string | undefined {
  const value = request.headers[TENANT_HEADER];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Builds the demo app on `clients` (close them on shutdown), its plugin loaded and its routes
 * declared.
 *
 * @example
 * const app = await createDemoApp(createDemoClients(demoConfigFromEnv()));
 * await app.listen({ port: 3005 });
 */
export async function createDemoApp(
  clients: DemoClients,
  options: DemoAppOptions = {},
): Promise<FastifyInstance> {
  const adapter = options.adapter ?? true;
  // The clients of a request. Only routes that call a provider ask: /health and /ping never do.
  const clientsOf = adapter
    ? (request: FastifyRequest): DemoClients => request.authClients
    : (request: FastifyRequest): DemoClients => {
        const tenant = tenantOf(request);
        return tenant === undefined ? clients : clients.withContext({ tenant });
      };
  const send = (reply: FastifyReply, { status, body }: { status: number; body: unknown }) =>
    reply.code(status).send(body);

  const app = Fastify({ logger: options.logger ?? false });
  // Awaited before the routes: the plugin gives each route declared after it the 502 answer.
  if (adapter) await app.register(authClientsPlugin, { clients, tenant: tenantOf });
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ping', async (_request, reply) => reply.type('text/plain').send('pong'));
  for (const { path, provider, upstream } of PROVIDER_ROUTES) {
    app.get(path, async (request, reply) =>
      send(reply, await relay(clientsOf(request)[provider], upstream)),
    );
  }
  app.get(SLOW_ROUTE, async (request, reply) =>
    send(reply, await relay(clientsOf(request).alertsite, 'slow?ms=2000')),
  );
  app.get(TENANT_ROUTE, async (request, reply) => {
    const tenant = tenantOf(request);
    try {
      if (tenant === undefined) throw new UnknownTenantError(tenant);
      return send(reply, await relay(clientsOf(request).opsrampTenants, tenantUpstream(tenant)));
    } catch (error) {
      if (!(error instanceof UnknownTenantError)) throw error;
      return reply.code(404).type('application/problem+json').send({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'Unknown tenant',
      });
    }
  });
  return app;
}
