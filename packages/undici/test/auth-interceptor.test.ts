import { Readable } from 'node:stream';
import {
  type AuthClientOptions,
  AuthConfigError,
  createAuthClient,
  flows,
  presets,
} from '@auth/core';
import { type Emulators, startEmulators } from '@auth/testing';
import { Agent, type Dispatcher, fetch, interceptors, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type StubApi, startStubApi } from '../../../test-support/stub-api.js';
import { authInterceptor } from '../src/index.js';

let emulators: Emulators;
let api: StubApi;
let elsewhere: StubApi;
const agents: Agent[] = [];

beforeAll(async () => {
  [emulators, api, elsewhere] = await Promise.all([
    startEmulators(),
    startStubApi(),
    startStubApi(),
  ]);
});
afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()));
  await Promise.all([emulators.close(), api.close(), elsewhere.close()]);
});
afterEach(() => {
  emulators.alertsite.resetStats();
  emulators.alertsite.fault(null);
  for (const server of [api, elsewhere]) {
    server.received.length = 0;
    server.rejectNext(0);
  }
});

/** A dispatcher with the interceptor (and the redirect interceptor after it). */
function dispatcherFor(options: AuthClientOptions): Dispatcher {
  const agent = new Agent();
  agents.push(agent);
  return agent.compose(
    authInterceptor(createAuthClient(options)),
    interceptors.redirect({ maxRedirections: 5 }),
  );
}

/** AlertSite's API behind its JSON login, on the emulator. */
function alertsite(): { dispatcher: Dispatcher; url: (path: string) => URL } {
  const { apiBaseUrl, credentials } = emulators.alertsite;
  const dispatcher = dispatcherFor(presets.alertsite({ baseUrl: apiBaseUrl, ...credentials }));
  return { dispatcher, url: (path) => new URL(path, apiBaseUrl) };
}

/** The stub API behind AlertSite's login on the emulator. */
function stub(options: Partial<AuthClientOptions> = {}): Dispatcher {
  const { tokenUrl, credentials } = emulators.alertsite;
  return dispatcherFor({
    baseUrl: `${api.url}/`,
    flow: flows.jsonCredentials({ tokenUrl, ...credentials }),
    ...options,
  });
}

/** `request()` that reads the body: status and text. */
async function call(
  url: string | URL,
  options: Parameters<typeof request>[1],
): Promise<{ status: number; text: string }> {
  const response = await request(url, options);
  return { status: response.statusCode, text: await response.body.text() };
}

describe('authInterceptor against the AlertSite emulator', () => {
  it('gets one token for 500 concurrent cold calls', async () => {
    const { dispatcher, url } = alertsite();
    const results = await Promise.all(
      Array.from({ length: 500 }, () => call(url('devices'), { dispatcher })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(500);
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
    expect(emulators.alertsite.stats.apiCalls).toBe(500);
  });

  it('replaces a revoked token once and answers every call 200 (request and fetch)', async () => {
    const { dispatcher, url } = alertsite();
    await call(url('devices'), { dispatcher });
    emulators.alertsite.revokeAll();
    const results = await Promise.all([
      ...Array.from({ length: 25 }, () => call(url('devices'), { dispatcher })),
      ...Array.from({ length: 25 }, () =>
        fetch(url('devices'), { dispatcher }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        })),
      ),
    ]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(50);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
    expect(emulators.alertsite.stats.unauthorized).toBe(50);
  });

  it('fails the request with the client AuthError when no token can be had', async () => {
    emulators.alertsite.fault('error500');
    const { dispatcher, url } = alertsite();
    const error = await call(url('devices'), { dispatcher }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TokenEndpointError', code: 'TOKEN_ENDPOINT_REJECTED' });
    expect(emulators.alertsite.stats.apiCalls).toBe(0);
  });

  it('stops waiting for the token when the signal aborts', async () => {
    emulators.alertsite.fault('slow');
    const { dispatcher, url } = alertsite();
    const controller = new AbortController();
    const pending = call(url('devices'), { dispatcher, signal: controller.signal });
    await vi.waitFor(() => expect(emulators.alertsite.stats.tokenAttempts).toBe(1));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(emulators.alertsite.stats.apiCalls).toBe(0);
  });
});

describe('authInterceptor: aborts', () => {
  it('aborts the request in flight when the signal aborts', async () => {
    const { dispatcher, url } = alertsite();
    const controller = new AbortController();
    const pending = call(url('slow?ms=5000'), { dispatcher, signal: controller.signal });
    await vi.waitFor(() => expect(emulators.alertsite.stats.apiCalls).toBe(1));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(emulators.alertsite.stats.abortedApiCalls).toBe(1));
  });
});

describe('authInterceptor: the 401 retry', () => {
  it('dispatches a JSON body once more, with a new token', async () => {
    const dispatcher = stub();
    await call(`${api.url}/warm`, { dispatcher });
    api.rejectNext(1);
    const body = JSON.stringify({ name: 'edge-1' });
    const result = await call(`${api.url}/devices`, {
      dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(result.status).toBe(200);
    const posts = api.received.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.body)).toEqual([body, body]);
    expect(posts[0]?.headers.authorization).not.toBe(posts[1]?.headers.authorization);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
  });

  it('hands on the 401 of a stream body, and the next call has a new token', async () => {
    const dispatcher = stub();
    await call(`${api.url}/warm`, { dispatcher });
    api.rejectNext(1);
    const result = await call(`${api.url}/upload`, {
      dispatcher,
      method: 'POST',
      body: Readable.from(['chunk']),
    });
    expect(result.status).toBe(401);
    expect(api.received.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect((await call(`${api.url}/after`, { dispatcher })).status).toBe(200);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
  });

  it('hands on a 401 about something else than the token (insufficient_scope), no new token', async () => {
    const dispatcher = stub();
    await call(`${api.url}/warm`, { dispatcher });
    api.rejectNext(1, { challenge: 'Bearer error="insufficient_scope", scope="admin"' });
    expect((await call(`${api.url}/admin`, { dispatcher })).status).toBe(401);
    expect((await call(`${api.url}/after`, { dispatcher })).status).toBe(200);
    expect(api.received).toHaveLength(3);
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
  });

  it('retries once only: a second 401 is handed on, with its body', async () => {
    const dispatcher = stub();
    api.rejectNext(5);
    const result = await call(`${api.url}/devices`, { dispatcher });
    expect(result.status).toBe(401);
    expect(api.received).toHaveLength(2);
  });
});

describe('authInterceptor: the token stays on the client origins', () => {
  it('sends no token to another origin given by URL, with request and fetch', async () => {
    const dispatcher = stub();
    await call(`${elsewhere.url}/x`, { dispatcher });
    await fetch(`${elsewhere.url}/y`, { dispatcher }).then((r) => r.text());
    expect(elsewhere.received.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    expect(emulators.alertsite.stats.tokenRequests).toBe(0);
  });

  it('drops a custom token header on a cross-origin redirect, keeps it on the same origin', async () => {
    const dispatcher = stub({ header: 'x-api-key', scheme: '' });
    const away = `${api.url}/redirect?to=${encodeURIComponent(`${elsewhere.url}/landed`)}`;
    await call(away, { dispatcher });
    await fetch(away, { dispatcher }).then((r) => r.text());
    await call(`${api.url}/redirect?to=/landed`, { dispatcher });
    expect(elsewhere.received.map((r) => [r.path, r.headers['x-api-key']])).toEqual([
      ['/landed', undefined],
      ['/landed', undefined],
    ]);
    expect(api.received.map((r) => [r.path, typeof r.headers['x-api-key']])).toEqual([
      ['/redirect', 'string'],
      ['/redirect', 'string'],
      ['/redirect', 'string'],
      ['/landed', 'string'],
    ]);
  });

  it('replaces a token header the caller set, whatever its case and header form', async () => {
    const dispatcher = stub();
    const forms = [
      { Authorization: 'Bearer mine', 'x-kept': 'object' },
      ['AUTHORIZATION', 'Bearer mine', 'x-kept', 'flat'],
      new Map([
        ['authorization', 'Bearer mine'],
        ['x-kept', 'pairs'],
      ]),
    ];
    for (const headers of forms) await call(`${api.url}/x`, { dispatcher, headers });
    expect(
      api.received.map((r) => [
        r.headers['x-kept'],
        r.headers.authorization?.startsWith('Bearer ') && r.headers.authorization !== 'Bearer mine',
      ]),
    ).toEqual([
      ['object', true],
      ['flat', true],
      ['pairs', true],
    ]);
  });

  it('refuses what is not an AuthClient, with AuthConfigError', () => {
    expect(() => authInterceptor({} as never)).toThrow(AuthConfigError);
  });
});
