import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { createAuthClients, flows, presets } from '@auth/core';
import { AuthClientsModule, getAuthHttpToken } from '@auth/nestjs';
import { AuthHttp, InjectAuthHttp } from '@auth/nestjs/http';
import { type Emulators, startEmulators, waitFor } from '@auth/testing';
import { HttpService } from '@nestjs/axios';
import { Body, Controller, Get, Injectable, Module, Post, Query, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StubApi, startStubApi } from '../../../test-support/stub-api.js';
import {
  type EchoServer,
  PLATFORMS,
  type RunningApp,
  startApp,
  startEchoServer,
  staticFlow,
} from './support.js';

let emulators: Emulators;
let api: StubApi;
let elsewhere: StubApi;
let echo: EchoServer;

beforeAll(async () => {
  [emulators, api, elsewhere, echo] = await Promise.all([
    startEmulators(),
    startStubApi(),
    startStubApi(),
    startEchoServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([emulators.close(), api.close(), elsewhere.close(), echo.close()]);
});
afterEach(() => {
  emulators.alertsite.resetStats();
  for (const server of [api, elsewhere]) {
    server.received.length = 0;
    server.rejectNext(0);
  }
  echo.requests.length = 0;
});

function createClients() {
  const { apiBaseUrl, tokenUrl, credentials } = emulators.alertsite;
  return createAuthClients({
    alertsite: presets.alertsite({ baseUrl: apiBaseUrl, ...credentials }),
    stub: { baseUrl: `${api.url}/`, flow: flows.jsonCredentials({ tokenUrl, ...credentials }) },
    echo: { baseUrl: echo.url, flow: ({ tenant }) => staticFlow(`token-${tenant ?? 'none'}`) },
  });
}

/** What a call answered: its status, or the status of the error it rejected with. */
async function statusOf(call: Promise<{ status: number }>): Promise<number> {
  return call.then(
    (res) => res.status,
    (error: AxiosError) => error.response?.status ?? -1,
  );
}

function appModule(): Type {
  @Injectable()
  class AlertSiteService {
    constructor(
      @InjectAuthHttp('alertsite') readonly alertsite: HttpService,
      @InjectAuthHttp('stub') readonly stub: HttpService,
    ) {}
  }

  @Controller()
  class TestController {
    constructor(private readonly service: AlertSiteService) {}

    @Get('burst')
    async burst(@Query('n') n: string) {
      const calls = Array.from({ length: Number(n) }, () =>
        statusOf(firstValueFrom(this.service.alertsite.get('devices'))),
      );
      const statuses = await Promise.all(calls);
      return { ok: statuses.filter((s) => s === 200).length };
    }

    @Post('json')
    async json(@Body() body: unknown) {
      return { status: await statusOf(firstValueFrom(this.service.stub.post('devices', body))) };
    }

    @Get('stream')
    async stream() {
      const call = firstValueFrom(this.service.stub.post('upload', Readable.from(['chunk'])));
      return { status: await statusOf(call) };
    }

    @Get('get')
    async get(@Query('url') url: string) {
      return { status: await statusOf(firstValueFrom(this.service.stub.get(url))) };
    }

    @Get('view')
    async view(@AuthHttp() http: AuthHttp<'echo' | 'alertsite'>) {
      const first = http.echo;
      const { data } = await firstValueFrom(first.get('hello'));
      return { authorization: data.headers.authorization, same: http.echo === first };
    }

    @Get('slow')
    async slow(@AuthHttp() http: AuthHttp<'alertsite'>) {
      return { status: await statusOf(firstValueFrom(http.alertsite.get('slow?ms=5000'))) };
    }
  }

  @Module({
    imports: [
      AuthClientsModule.forRoot({
        clients: createClients(),
        tenant: (request) => request.headers['x-tenant-id'] as string | undefined,
      }),
    ],
    controllers: [TestController],
    providers: [AlertSiteService],
  })
  class AppModule {}
  return AppModule;
}

async function getJson(app: RunningApp, path: string, init?: RequestInit) {
  const res = await fetch(`${app.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('@InjectAuthHttp: an HttpService with the client token rules (Express)', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(appModule(), 'express');
  });
  afterAll(() => app?.app.close());

  it('is the HttpService provided under getAuthHttpToken(name)', () => {
    expect(app.app.get(getAuthHttpToken('alertsite'))).toBeInstanceOf(HttpService);
  });

  it('gets one token for 500 concurrent cold calls, and one more after a revocation', async () => {
    expect((await getJson(app, '/burst?n=500')).body).toEqual({ ok: 500 });
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
    emulators.alertsite.revokeAll();
    expect((await getJson(app, '/burst?n=50')).body).toEqual({ ok: 50 });
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
    expect(emulators.alertsite.stats.unauthorized).toBe(50);
  });

  it('sends a JSON body once more after a 401, a stream body not', async () => {
    await getJson(app, `/get?url=warm`);
    api.rejectNext(1);
    const json = await getJson(app, '/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'edge-1' }),
    });
    expect(json.body).toEqual({ status: 200 });
    const posts = api.received.filter((r) => r.path === '/devices');
    expect(posts.map((r) => r.body)).toEqual(['{"name":"edge-1"}', '{"name":"edge-1"}']);

    api.rejectNext(1);
    expect((await getJson(app, '/stream')).body).toEqual({ status: 401 });
    expect(api.received.filter((r) => r.path === '/upload')).toHaveLength(1);
    expect((await getJson(app, '/get?url=after')).body).toEqual({ status: 200 });
  });

  it('sends no token to another origin, by URL or by redirect', async () => {
    const landed = encodeURIComponent(`${elsewhere.url}/landed`);
    await getJson(app, `/get?url=${landed}`);
    await getJson(app, `/get?url=${encodeURIComponent(`redirect?to=${landed}`)}`);
    expect(elsewhere.received.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    expect(api.received[0]?.headers.authorization).toMatch(/^Bearer /);
  });
});

describe('@InjectAuthHttp with forRootAsync', () => {
  function asyncModule(consumer: Type): Type {
    @Module({
      imports: [
        AuthClientsModule.forRootAsync({ useFactory: async () => ({ clients: createClients() }) }),
      ],
      providers: [consumer],
    })
    class AsyncModule {}
    return AsyncModule;
  }

  it('provides the HttpService the decorator asks for, once the factory has run', async () => {
    @Injectable()
    class UsesEcho {
      constructor(@InjectAuthHttp('echo') readonly echo: HttpService) {}
    }
    const context = await NestFactory.createApplicationContext(asyncModule(UsesEcho), {
      logger: false,
    });
    try {
      const { data } = await firstValueFrom(context.get(UsesEcho).echo.get('hello'));
      expect(data.headers.authorization).toBe('Bearer token-none');
    } finally {
      await context.close();
    }
  });

  it('fails the bootstrap for a client the registry lacks, naming the class', async () => {
    @Injectable()
    class WantsDelta {
      constructor(@InjectAuthHttp('delta') readonly delta: HttpService) {}
    }
    const error = await NestFactory.createApplicationContext(asyncModule(WantsDelta), {
      logger: false,
      abortOnError: false,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthConfigError', option: 'clients' });
    expect((error as Error).message).toContain('WantsDelta');
  });
});

describe.each(PLATFORMS)('@AuthHttp(): request-bound HttpServices (%s)', (platform) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(appModule(), platform);
  });
  afterAll(() => app?.app.close());

  it('carries the request tenant', async () => {
    const { body } = await getJson(app, '/view', { headers: { 'x-tenant-id': 'acme' } });
    expect(body).toEqual({ authorization: 'Bearer token-acme', same: true });
  });

  it('aborts the outbound call when the client disconnects', async () => {
    const { hostname, port } = new URL(app.url);
    const req = httpRequest({ host: hostname, port, path: '/slow' });
    req.on('error', () => {});
    req.end();
    await waitFor(() => emulators.alertsite.stats.apiCalls === 1, 10_000);
    req.destroy();
    await waitFor(() => emulators.alertsite.stats.abortedApiCalls === 1, 10_000);
  });
});
