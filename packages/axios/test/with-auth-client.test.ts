import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import {
  type AuthClientOptions,
  AuthConfigError,
  createAuthClient,
  flows,
  presets,
} from '@auth/core';
import { type Emulators, startEmulators } from '@auth/testing';
import axios, { type AxiosError, isAxiosError, isCancel } from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type StubApi, startStubApi } from '../../../test-support/stub-api.js';
import { withAuthClient } from '../src/index.js';

let emulators: Emulators;
let api: StubApi;
let elsewhere: StubApi;

beforeAll(async () => {
  [emulators, api, elsewhere] = await Promise.all([
    startEmulators(),
    startStubApi(),
    startStubApi(),
  ]);
});
afterAll(async () => {
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

/** AlertSite's API behind its JSON login, on the emulator. */
function alertsite(options: Partial<AuthClientOptions> = {}) {
  const { apiBaseUrl, credentials } = emulators.alertsite;
  const client = createAuthClient({
    ...presets.alertsite({ baseUrl: apiBaseUrl, ...credentials }),
    ...options,
  });
  return withAuthClient(axios.create(), client);
}

/** The stub API behind AlertSite's login on the emulator. */
function stub(options: Partial<AuthClientOptions> = {}) {
  const { tokenUrl, credentials } = emulators.alertsite;
  const client = createAuthClient({
    baseUrl: `${api.url}/`,
    flow: flows.jsonCredentials({ tokenUrl, ...credentials }),
    ...options,
  });
  return withAuthClient(axios.create(), client);
}

describe('withAuthClient against the AlertSite emulator', () => {
  it('gets one token for 500 concurrent cold calls', async () => {
    const http = alertsite();
    const responses = await Promise.all(Array.from({ length: 500 }, () => http.get('devices')));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(500);
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
    expect(emulators.alertsite.stats.apiCalls).toBe(500);
  });

  it('replaces a revoked token once and answers every call 200', async () => {
    const http = alertsite();
    await http.get('devices');
    emulators.alertsite.revokeAll();
    const responses = await Promise.all(Array.from({ length: 50 }, () => http.get('devices')));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(50);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
    expect(emulators.alertsite.stats.unauthorized).toBe(50);
  });

  it('rejects with the client AuthError when no token can be had', async () => {
    emulators.alertsite.fault('error500');
    const error = await alertsite()
      .get('devices')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TokenEndpointError', code: 'TOKEN_ENDPOINT_REJECTED' });
    expect(emulators.alertsite.stats.apiCalls).toBe(0);
  });

  it('stops waiting for the token when the signal aborts; the token request carries on', async () => {
    emulators.alertsite.fault('slow');
    const controller = new AbortController();
    const call = alertsite().get('devices', { signal: controller.signal });
    await vi.waitFor(() => expect(emulators.alertsite.stats.tokenAttempts).toBe(1));
    controller.abort();
    const error = await call.catch((e: unknown) => e);
    expect(isCancel(error)).toBe(true);
    expect(emulators.alertsite.stats.apiCalls).toBe(0);
  });
});

describe('withAuthClient: the 401 retry', () => {
  it('sends a JSON body once more, with a new token', async () => {
    const http = stub();
    await http.get('warm');
    api.rejectNext(1);
    const { status, data } = await http.post('devices', { name: 'edge-1' });
    expect(status).toBe(200);
    expect(data.body).toBe('{"name":"edge-1"}');
    const posts = api.received.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.body)).toEqual(['{"name":"edge-1"}', '{"name":"edge-1"}']);
    expect(posts[0]?.headers.authorization).not.toBe(posts[1]?.headers.authorization);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
  });

  it('hands back the 401 of a stream body, and the next call has a new token', async () => {
    const http = stub();
    await http.get('warm');
    api.rejectNext(1);
    const error = await http
      .post('upload', Readable.from(['chunk']), { headers: { 'content-type': 'text/plain' } })
      .catch((e: AxiosError) => e);
    expect((error as AxiosError).response?.status).toBe(401);
    expect(api.received.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect((await http.get('after')).status).toBe(200);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
  });

  it('retries once only: a second 401 is handed back', async () => {
    const http = stub();
    api.rejectNext(5);
    const error = await http.get('devices').catch((e: AxiosError) => e);
    expect((error as AxiosError).response?.status).toBe(401);
    expect(api.received).toHaveLength(2);
  });

  it('hands back a 401 about something else than the token (insufficient_scope), no new token', async () => {
    const http = stub();
    await http.get('warm');
    api.rejectNext(1, { challenge: 'Bearer error="insufficient_scope", scope="admin"' });
    const error = await http.get('admin').catch((e: AxiosError) => e);
    expect((error as AxiosError).response?.status).toBe(401);
    expect(api.received).toHaveLength(2);
    expect((await http.get('after')).status).toBe(200);
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
  });

  it('hands a 401 back as a response when validateStatus accepts it, after the retry', async () => {
    const http = stub();
    api.rejectNext(5);
    const response = await http.get('devices', { validateStatus: () => true });
    expect(response.status).toBe(401);
    expect(api.received).toHaveLength(2);
  });
});

describe('withAuthClient: the token stays on the client origins', () => {
  it('sends no token to another origin given by URL', async () => {
    await stub().get(`${elsewhere.url}/x`);
    expect(elsewhere.received[0]?.headers.authorization).toBeUndefined();
    expect(emulators.alertsite.stats.tokenRequests).toBe(0);
  });

  it('drops the token on a redirect to another origin, keeps it on the same origin', async () => {
    const http = stub();
    await http.get(`redirect?to=${encodeURIComponent(`${elsewhere.url}/landed`)}`);
    await http.get('redirect?to=/landed');
    expect(elsewhere.received.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/landed', undefined],
    ]);
    expect(api.received.map((r) => [r.path, typeof r.headers.authorization])).toEqual([
      ['/redirect', 'string'],
      ['/redirect', 'string'],
      ['/landed', 'string'],
    ]);
  });

  it('drops a custom token header on a cross-origin redirect too', async () => {
    const calls: string[] = [];
    const http = stub({ header: 'x-api-key', scheme: '' });
    await http.get(`redirect?to=${encodeURIComponent(`${elsewhere.url}/landed`)}&status=307`, {
      beforeRedirect: (options) => void calls.push(String(options.href)),
    });
    expect(api.received[0]?.headers['x-api-key']).toMatch(/^\S+$/);
    expect(elsewhere.received[0]?.headers['x-api-key']).toBeUndefined();
    expect(calls).toEqual([`${elsewhere.url}/landed`]);
  });

  it('does not renew the token for a 401 of an origin the token never reached', async () => {
    const http = stub({ allowedOrigins: [] });
    elsewhere.rejectNext(1, { header: 'host' });
    const error = await http
      .get(`redirect?to=${encodeURIComponent(`${elsewhere.url}/landed`)}`)
      .catch((e: AxiosError) => e);
    expect((error as AxiosError).response?.status).toBe(401);
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
  });
});

describe('withAuthClient: errors', () => {
  it('keep the token out of what they print (a 500, a 401 handed back)', async () => {
    const { tokenUrl, credentials } = emulators.alertsite;
    const client = createAuthClient({
      baseUrl: `${api.url}/`,
      flow: flows.jsonCredentials({ tokenUrl, ...credentials }),
    });
    const http = withAuthClient(axios.create(), client);
    const failed = await http.get('status/500').catch((e: AxiosError) => e);
    api.rejectNext(2);
    const rejected = await http.get('devices').catch((e: AxiosError) => e);
    const { accessToken } = await client.getToken();
    for (const error of [failed, rejected]) {
      expect(isAxiosError(error)).toBe(true);
      expect(inspect(error, { depth: 8 })).not.toContain(accessToken);
      expect(JSON.stringify(error)).not.toContain(accessToken);
      expect((error as AxiosError).request).toBeDefined();
    }
    expect(api.received.map((r) => r.headers.authorization)).toContain(`Bearer ${accessToken}`);
  });
});

describe('withAuthClient: options', () => {
  it('gives an instance without baseURL the client baseUrl, keeps one that has it', () => {
    const client = createAuthClient({
      baseUrl: `${api.url}/v1/`,
      flow: flows.jsonCredentials({
        tokenUrl: emulators.alertsite.tokenUrl,
        ...emulators.alertsite.credentials,
      }),
    });
    expect(withAuthClient(axios.create(), client).defaults.baseURL).toBe(`${api.url}/v1/`);
    expect(
      withAuthClient(axios.create({ baseURL: 'http://x.test/' }), client).defaults.baseURL,
    ).toBe('http://x.test/');
  });

  it('refuses a second installation and arguments of the wrong kind, with AuthConfigError', () => {
    const http = stub();
    const client = createAuthClient({
      baseUrl: `${api.url}/`,
      flow: flows.jsonCredentials({
        tokenUrl: emulators.alertsite.tokenUrl,
        ...emulators.alertsite.credentials,
      }),
    });
    expect(() => withAuthClient(http, client)).toThrow(AuthConfigError);
    expect(() => withAuthClient(axios.create(), {} as never)).toThrow(AuthConfigError);
    expect(() => withAuthClient({} as never, client)).toThrow(AuthConfigError);
  });
});
