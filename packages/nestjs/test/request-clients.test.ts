import { request as httpRequest, type ServerResponse } from 'node:http';
import { AuthClient, createAuthClients, isAuthError, presets } from '@auth/core';
import {
  AuthClients,
  AuthClientsModule,
  ClientDisconnectedError,
  InjectAuthClient,
  InjectAuthClients,
} from '@auth/nestjs';
import { type Emulators, startEmulators, waitFor } from '@auth/testing';
import { Controller, Get, Injectable, Module, Res, type Type } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CapturingLogger,
  type EchoServer,
  PLATFORMS,
  type RunningApp,
  startApp,
  startEchoServer,
  staticFlow,
} from './support.js';

let emulators: Emulators;
let echo: EchoServer;
/** One logger for every app of this file: Nest's `Logger` is process-wide, so lines of one app may land in another's. */
const logs = new CapturingLogger();

beforeAll(async () => {
  [emulators, echo] = await Promise.all([startEmulators(), startEchoServer()]);
});
afterAll(async () => {
  await Promise.all([emulators?.close(), echo?.close()]);
});

function createClients() {
  const { username, password } = emulators.alertsite.credentials;
  return createAuthClients({
    alertsite: presets.alertsite({ baseUrl: emulators.alertsite.apiBaseUrl, username, password }),
    echo: { baseUrl: echo.url, flow: ({ tenant }) => staticFlow(`token-${tenant ?? 'none'}`) },
  });
}
type Clients = ReturnType<typeof createClients>;

/** What the `/slow` handler's call rejected with. */
const slowErrors: unknown[] = [];

/** The raw Node response behind Express's `res` or Fastify's `reply`. */
function rawResponse(res: ServerResponse | { raw: ServerResponse }): ServerResponse {
  return 'raw' in res ? res.raw : res;
}

/** Builds the app under test around a fresh registry (so each platform starts cold). */
function appModule(clients: Clients): Type {
  @Injectable()
  class DevicesService {
    // Type-based injection on purpose: proves decorator metadata works under Vitest.
    constructor(@InjectAuthClient('alertsite') readonly alertsite: AuthClient) {}
    async devices(): Promise<unknown> {
      return (await this.alertsite.fetch('devices')).json();
    }
  }

  @Controller()
  class TestController {
    constructor(
      private readonly service: DevicesService,
      @InjectAuthClients() private readonly registry: Clients,
    ) {}

    @Get('plain')
    plain() {
      return { ok: true };
    }

    @Get('devices')
    async devices(@AuthClients() clients: AuthClients<'alertsite' | 'echo'>) {
      return (await clients.alertsite.fetch('devices')).json();
    }

    @Get('service/devices')
    serviceDevices() {
      return this.service.devices();
    }

    @Get('registry')
    registryInfo() {
      return {
        names: this.registry.names,
        same: this.registry.alertsite === this.service.alertsite,
      };
    }

    @Get('slow')
    async slow(@AuthClients() clients: Clients) {
      try {
        return (await clients.alertsite.fetch('slow?ms=5000')).json();
      } catch (error) {
        slowErrors.push(error);
        throw error;
      }
    }

    @Get('echo')
    async echo(@AuthClients() clients: Clients) {
      return (
        await clients.echo.fetch('hello', { headers: { 'x-request-id': 'set-by-call' } })
      ).json();
    }

    @Get('echo/plain-headers')
    async echoPlain(@AuthClients() clients: Clients) {
      return (await clients.echo.fetch('hello')).json();
    }

    @Get('untouched')
    untouched(
      @AuthClients() clients: Clients,
      @Res({ passthrough: true }) res: ServerResponse | { raw: ServerResponse },
    ) {
      return { closeListeners: rawResponse(res).listenerCount('close'), type: typeof clients };
    }

    @Get('touched')
    touched(
      @AuthClients() clients: Clients,
      @AuthClients() again: Clients,
      @Res({ passthrough: true }) res: ServerResponse | { raw: ServerResponse },
    ) {
      const raw = rawResponse(res);
      const before = raw.listenerCount('close');
      const first = clients.echo;
      const afterFirst = raw.listenerCount('close');
      const second = clients.alertsite;
      return {
        before,
        afterFirst,
        afterSecond: raw.listenerCount('close'),
        sameView: clients === again,
        memoised: clients.echo === first,
        distinct: first !== second,
        names: clients.names,
      };
    }

    @Get('handled')
    async handled(@AuthClients() clients: Clients) {
      try {
        await clients.alertsite.fetch('devices');
        return { handled: null };
      } catch (error) {
        if (isAuthError(error)) return { handled: error.code };
        throw error;
      }
    }
  }

  @Module({
    imports: [
      AuthClientsModule.forRoot({
        clients,
        tenant: (request) => request.headers['x-tenant-id'] as string | undefined,
        propagateHeaders: ['X-Request-Id', 'traceparent', 'x-correlation-id'],
      }),
    ],
    controllers: [TestController],
    providers: [DevicesService],
  })
  class AppModule {}
  return AppModule;
}

describe.each(PLATFORMS)('@AuthClients() on %s', (platform) => {
  let running: RunningApp;
  let clients: Clients;
  let withContext: ReturnType<typeof vi.spyOn>;

  beforeAll(async () => {
    clients = createClients();
    withContext = vi.spyOn(clients, 'withContext');
    running = await startApp(appModule(clients), platform, logs);
  });
  afterAll(async () => {
    await running?.app.close();
  });
  beforeEach(() => {
    for (const emulator of emulators.all) emulator.resetStats();
    echo.requests.length = 0;
    withContext.mockClear();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${running.url}${path}`, { headers });

  it('calls the upstream API with a token through the request-bound view', async () => {
    const res = await get('/devices');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ results: expect.any(Array) });
    expect(emulators.alertsite.stats.apiCalls).toBe(1);
    expect(emulators.alertsite.stats.unauthorized).toBe(0);
    expect(withContext).toHaveBeenCalledTimes(1);
  });

  it('injects the app-wide client and registry into services and controllers', async () => {
    const res = await get('/service/devices');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ results: expect.any(Array) });
    expect(await (await get('/registry')).json()).toEqual({
      names: ['alertsite', 'echo'],
      same: true,
    });
    expect(withContext).not.toHaveBeenCalled();
  });

  it('shares one token among concurrent cold requests', async () => {
    const fresh = createClients();
    const cold = await startApp(appModule(fresh), platform, logs);
    try {
      const responses = await Promise.all(
        Array.from({ length: 30 }, () => fetch(`${cold.url}/devices`)),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
      expect(emulators.alertsite.stats.tokenRequests).toBe(1);
    } finally {
      await cold.app.close();
    }
  });

  it('passes the tenant from the resolver and the propagated headers upstream', async () => {
    const res = await get('/echo/plain-headers', {
      'x-tenant-id': 'acme',
      'x-request-id': 'req-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'x-not-propagated': 'nope',
    });
    expect(res.status).toBe(200);
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    expect(headers.authorization).toBe('Bearer token-acme');
    expect(headers['x-request-id']).toBe('req-1');
    expect(headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(headers['x-not-propagated']).toBeUndefined();
    expect(headers['x-correlation-id']).toBeUndefined();
  });

  it('never lets a propagated header override one the call sets', async () => {
    const res = await get('/echo', { 'x-request-id': 'from-incoming', 'x-correlation-id': 'c-1' });
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    expect(headers['x-request-id']).toBe('set-by-call');
    expect(headers['x-correlation-id']).toBe('c-1');
    expect(headers.authorization).toBe('Bearer token-none');
  });

  it('keeps tenants apart: one token per tenant', async () => {
    const tokens = new Set<string>();
    for (const tenant of ['t1', 't2', 't1']) {
      const { headers } = (await (
        await get('/echo/plain-headers', { 'x-tenant-id': tenant })
      ).json()) as {
        headers: Record<string, string>;
      };
      tokens.add(headers.authorization as string);
    }
    expect([...tokens]).toEqual(['Bearer token-t1', 'Bearer token-t2']);
  });

  it('costs nothing on a route that does not use the clients', async () => {
    const bind = vi.spyOn(AuthClient.prototype, 'withContext');
    try {
      expect((await get('/plain')).status).toBe(200);
      expect(withContext).not.toHaveBeenCalled();
      const untouched = (await (await get('/untouched')).json()) as { type: string };
      expect(untouched.type).toBe('object');
      // One registry view per request, whose context is computed on first client use only.
      expect(withContext).toHaveBeenCalledTimes(1);
      expect(bind).not.toHaveBeenCalled();
    } finally {
      bind.mockRestore();
    }
  });

  it('binds to the request on first use only, once per request', async () => {
    const body = await (await get('/touched')).json();
    expect(body).toEqual({
      before: expect.any(Number),
      afterFirst: body.before + 1,
      afterSecond: body.before + 1,
      sameView: true,
      memoised: true,
      distinct: true,
      names: ['alertsite', 'echo'],
    });
    expect(withContext).toHaveBeenCalledTimes(1);
  });

  it('aborts the upstream call when the client disconnects', async () => {
    await get('/devices'); // token cached: the next API call goes out at once
    emulators.alertsite.resetStats();
    logs.lines.length = 0;
    const { port } = new URL(running.url);
    const req = httpRequest({ host: '127.0.0.1', port, path: '/slow' });
    req.on('error', () => {});
    req.end();
    await waitFor(() => emulators.alertsite.stats.apiCalls === 1);
    req.destroy();
    await waitFor(() => emulators.alertsite.stats.abortedApiCalls === 1);
    expect(emulators.alertsite.stats.abortedApiCalls).toBe(1);
    // The handler's rejection ends quietly: a debug line, no error log with a stack trace.
    await waitFor(() => logs.text().includes('Client closed the connection'));
    expect(logs.text()).toMatch(/debug Client closed the connection.* GET \/slow/);
    expect(logs.lines.filter((line) => line.startsWith('error'))).toEqual([]);
    const [error] = slowErrors.splice(0);
    expect(error).toBeInstanceOf(ClientDisconnectedError);
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  it('lets a handler deal with token failures itself', async () => {
    const { username } = emulators.alertsite.credentials;
    const failing = createAuthClients({
      alertsite: presets.alertsite({
        baseUrl: emulators.alertsite.apiBaseUrl,
        username,
        password: 'wrong-password-123',
      }),
      echo: { baseUrl: echo.url, flow: staticFlow('x') },
    });
    const app = await startApp(appModule(failing), platform, logs);
    try {
      const res = await fetch(`${app.url}/handled`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ handled: 'TOKEN_ENDPOINT_REJECTED' });
    } finally {
      await app.app.close();
    }
  });
});
