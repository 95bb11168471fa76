import type { ServerResponse } from 'node:http';
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
import {
  AuthClients,
  AuthClientsModule,
  AuthErrorFilter,
  type PlatformRequest,
} from '@auth/nestjs';
import {
  Controller,
  Get,
  Header,
  Headers,
  HttpException,
  type INestApplication,
  Inject,
  type LoggerService,
  type LogLevel,
  Module,
  NotFoundException,
  type OnApplicationShutdown,
  type Provider,
  Req,
  Res,
  type Type,
} from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** Demo route relaying AlertSite's `slow?ms=2000`: for showing that a disconnect aborts the call. */
export const SLOW_ROUTE = '/alertsite/slow';
/** Upstream path of {@link SLOW_ROUTE}. */
export const SLOW_UPSTREAM = 'slow?ms=2000';

/** The HTTP platforms the demo runs on. */
export type DemoPlatform = 'express' | 'fastify';

/** Where the demo's clients come from, which platform, and whether to use the adapter. */
export type DemoAppOptions = ({ config: DemoConfig } | { clients: DemoClients }) & {
  /**
   * `true` (default): `AuthClientsModule.forRoot({ clients, tenant })` and handlers take
   * `@AuthClients()`. `false`: the same routes without the adapter, each handler binding
   * `clients.withContext({ signal, tenant })` by hand (the baseline of the overhead benchmark).
   */
  adapter?: boolean;
  /** `express` (default) or `fastify`. */
  platform?: DemoPlatform;
  /** Nest logger; default Nest's console logger. `false` silences it. */
  logger?: LoggerService | LogLevel[] | false;
};

/** The built (not yet listening) app and its clients. `app.close()` closes the clients. */
export interface DemoApp {
  app: INestApplication;
  clients: DemoClients;
}

/** Token of the raw registry in the adapter-less variant. */
const DEMO_CLIENTS = Symbol('DemoClients');

/** The tenant resolver both variants use: the `x-tenant-id` header. */
export function tenantOf(request: PlatformRequest): string | undefined {
  const value = request.headers[TENANT_HEADER];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The demo service: `GET /health`, `GET /ping` (touches no client), one route per provider
 * (`PROVIDER_ROUTES`), `GET /alertsite/slow`, and `GET /tenant/alerts` whose tenant comes from
 * the `x-tenant-id` header. A token failure answers 502 problem details; an unknown tenant 404.
 *
 * @example
 * const { app } = await createDemoApp({ config: demoConfigFromEnv(), platform: 'fastify' });
 * await app.listen(3001, '127.0.0.1');
 */
export async function createDemoApp(options: DemoAppOptions): Promise<DemoApp> {
  const clients = 'clients' in options ? options.clients : createDemoClients(options.config);
  const module = options.adapter === false ? plainModule(clients) : adapterModule(clients);
  const nestOptions = options.logger === undefined ? {} : { logger: options.logger };
  const app =
    options.platform === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), nestOptions)
      : await NestFactory.create(module, nestOptions);
  return { app, clients };
}

/** With the adapter: the registry goes to `AuthClientsModule`, handlers take `@AuthClients()`. */
function adapterModule(clients: DemoClients): Type {
  class DemoController {}
  addCommonRoutes(DemoController);
  for (const { provider, path, upstream } of [...PROVIDER_ROUTES, SLOW]) {
    route(DemoController, path, [AuthClients()], (view: DemoClients) =>
      send(relay(view[provider], upstream)),
    );
  }
  route(
    DemoController,
    TENANT_ROUTE,
    [AuthClients(), Headers(TENANT_HEADER)],
    (view: DemoClients, header: string | undefined) =>
      send(relay(view.opsrampTenants, tenantUpstream(requireTenant(header)))),
  );

  Controller()(DemoController);

  @Module({
    imports: [AuthClientsModule.forRoot({ clients, tenant: tenantOf })],
    controllers: [DemoController],
  })
  class DemoAppModule {}
  return DemoAppModule;
}

/**
 * Without the adapter: the same routes, each handler binding the registry to the request by hand
 * (abort signal, tenant) as an app would without `@auth/nestjs`.
 */
function plainModule(clients: DemoClients): Type {
  class DemoController {
    constructor(@Inject(DEMO_CLIENTS) readonly clients: DemoClients) {}
  }
  addCommonRoutes(DemoController);
  const byHand = (self: DemoController, res: unknown, tenant?: string) =>
    self.clients.withContext({ signal: disconnectSignal(res), ...(tenant ? { tenant } : {}) });
  for (const { provider, path, upstream } of [...PROVIDER_ROUTES, SLOW]) {
    route(
      DemoController,
      path,
      [Res({ passthrough: true })],
      function (this: DemoController, res: unknown) {
        return send(relay(byHand(this, res)[provider], upstream));
      },
    );
  }
  route(
    DemoController,
    TENANT_ROUTE,
    [Req(), Res({ passthrough: true })],
    function (this: DemoController, req: PlatformRequest, res: unknown) {
      const tenant = requireTenant(tenantOf(req));
      return send(relay(byHand(this, res, tenant).opsrampTenants, tenantUpstream(tenant)));
    },
  );

  class ClientsLifecycle implements OnApplicationShutdown {
    async onApplicationShutdown() {
      await clients.close();
    }
  }
  const providers: Provider[] = [
    { provide: DEMO_CLIENTS, useValue: clients },
    { provide: APP_FILTER, useClass: AuthErrorFilter },
    ClientsLifecycle,
  ];

  Controller()(DemoController);

  @Module({ controllers: [DemoController], providers })
  class DemoAppModule {}
  return DemoAppModule;
}

const SLOW = { provider: 'alertsite', path: SLOW_ROUTE, upstream: SLOW_UPSTREAM } as const;

/** `GET /health` and `GET /ping`: no client involved. */
function addCommonRoutes(controller: Type): void {
  route(controller, '/health', [], () => ({ status: 'ok' }));
  route(controller, '/ping', [], () => 'pong', [
    Header('content-type', 'text/plain; charset=utf-8'),
  ]);
}

/**
 * Adds `GET path` to `controller`: the routes come from `@auth/demo-config`, so they are declared
 * in a loop rather than one decorated method each. Decorators are plain functions.
 */
function route(
  controller: Type,
  path: string,
  params: ParameterDecorator[],
  handler: (...args: never[]) => unknown,
  extra: MethodDecorator[] = [],
): void {
  const key = `GET ${path}`;
  const prototype = controller.prototype as object;
  Object.defineProperty(prototype, key, { value: handler, writable: true, configurable: true });
  params.forEach((decorate, index) => {
    decorate(prototype, key, index);
  });
  const descriptor = Object.getOwnPropertyDescriptor(prototype, key) as PropertyDescriptor;
  for (const decorate of [Get(path), ...extra]) decorate(prototype, key, descriptor);
}

/** The relayed upstream answer as the route's answer: 2xx as the body, anything else as is. */
async function send(relayed: Promise<{ status: number; body: unknown }>): Promise<unknown> {
  let result: { status: number; body: unknown };
  try {
    result = await relayed;
  } catch (error) {
    if (error instanceof UnknownTenantError) throw new NotFoundException(error.message);
    throw error;
  }
  const { status, body } = result;
  if (status >= 200 && status < 300) return body;
  throw new HttpException(body ?? { statusCode: status }, status);
}

function requireTenant(tenant: string | undefined): string {
  if (tenant === undefined || tenant === '') {
    throw new NotFoundException(new UnknownTenantError(tenant).message);
  }
  return tenant;
}

/** What the adapter does for you: abort when the client goes away before the answer. */
function disconnectSignal(res: unknown): AbortSignal {
  const raw = ((res as { raw?: ServerResponse }).raw ?? res) as ServerResponse;
  const controller = new AbortController();
  raw.once('close', () => {
    if (!raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
