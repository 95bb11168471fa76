import { type Emulators, resetEmulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flows } from '../src/flows/index.js';
import { expectNoSecret, failure, request } from './support/flow-request.js';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());
afterEach(() => resetEmulators(emulators));

async function callApi(url: string | URL, accessToken: string): Promise<Response> {
  return fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
}

describe('jsonCredentials (AlertSite emulator)', () => {
  const flow = () =>
    flows.jsonCredentials({ ...emulators.alertsite.credentials, tokenUrl: tokenUrl() });
  const tokenUrl = () => emulators.alertsite.tokenUrl;

  it('obtains a token that the API accepts, with the documented 1 h lifetime', async () => {
    const token = await flow().requestToken(request());
    expect(token.accessToken).toMatch(/^[0-9a-f]{32}$/);
    expect(token.expiresIn).toBe(3600);
    expect(token.expiresAt).toBeUndefined();
    expect(token.refreshToken).toBeUndefined();
    const res = await callApi(
      new URL('devices', emulators.alertsite.apiBaseUrl),
      token.accessToken,
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(3);
  });

  it('sends the documented JSON body and headers', async () => {
    await flow().requestToken(request());
    const sent = emulators.alertsite.stats.lastTokenRequest;
    expect(sent?.method).toBe('POST');
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.accept).toBe('application/json');
    expect(JSON.parse(sent?.body ?? '')).toEqual(emulators.alertsite.credentials);
  });

  it('uses lifetimeSeconds when given', async () => {
    const custom = flows.jsonCredentials({
      ...emulators.alertsite.credentials,
      tokenUrl: tokenUrl(),
      lifetimeSeconds: 120,
    });
    expect(custom.defaultLifetimeSeconds).toBe(120);
    expect((await custom.requestToken(request())).expiresIn).toBe(120);
  });

  it('turns wrong credentials into REJECTED with status, vendor code and message', async () => {
    const password = 'wrong-password-123';
    const bad = flows.jsonCredentials({
      tokenUrl: tokenUrl(),
      username: emulators.alertsite.credentials.username,
      password,
    });
    const error = await failure(bad.requestToken(request()));
    expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
    expect(error.flow).toBe('jsonCredentials');
    expect(error.status).toBe(401);
    expect(error.vendorCode).toBe('401');
    expect(error.vendorMessage).toBe('invalid_grant - User authentication failed.');
    expect(error.message).toContain('invalid_grant - User authentication failed.');
    expectNoSecret([password, emulators.alertsite.credentials.password], error, bad);
  });

  it('is stateless: every call asks the server', async () => {
    const f = flow();
    const a = await f.requestToken(request());
    const b = await f.requestToken(request());
    expect(a.accessToken).not.toBe(b.accessToken);
    expect(emulators.alertsite.stats.tokenRequests).toBe(2);
  });

  it('exposes a non-secret cache identity', () => {
    const f = flow();
    expect(f.id).toBe('jsonCredentials');
    expect(f.cacheKeyParts).toEqual([tokenUrl(), emulators.alertsite.credentials.username]);
    expectNoSecret([emulators.alertsite.credentials.password], f);
  });
});

describe('formCredentials (KlearStack emulator)', () => {
  const creds = () => emulators.klearstack.credentials;
  const flow = (companyName: string | null = creds().companyName) =>
    flows.formCredentials({
      tokenUrl: emulators.klearstack.tokenUrl,
      username: creds().username,
      password: creds().password,
      ...(companyName === null ? {} : { fields: { company_name: companyName } }),
    });

  function jwtExp(token: string): number {
    const payload = token.split('.')[1] ?? '';
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number }).exp;
  }

  it('obtains access and refresh tokens; expiry is the JWT exp; the API accepts the token', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await flow().requestToken(request());
    expect(token.expiresIn).toBeUndefined();
    expect(token.expiresAt).toBe(jwtExp(token.accessToken) * 1000);
    // 900 s access lifetime of the emulator (KlearStack: "some minutes").
    expect(token.expiresAt).toBeGreaterThanOrEqual((before + 900) * 1000);
    expect(token.expiresAt).toBeLessThanOrEqual((before + 902) * 1000);
    expect(token.refreshToken).toMatch(/^ey/);
    expect(token.extras).toEqual({ release_version: '7.8.9' });
    const res = await callApi(
      new URL('documents', emulators.klearstack.apiBaseUrl),
      token.accessToken,
    );
    expect(res.status).toBe(200);
  });

  it('posts the documented form fields', async () => {
    await flow().requestToken(request());
    const sent = emulators.klearstack.stats.lastTokenRequest;
    expect(sent?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(sent?.body))).toEqual({
      username: creds().username,
      password: creds().password,
      company_name: creds().companyName,
    });
  });

  it('refreshes with the refresh token (rotated) and the new access token works', async () => {
    const f = flow();
    const first = await f.requestToken(request());
    const refreshed = await f.refreshToken?.(first.refreshToken ?? '', request());
    expect(refreshed).toBeDefined();
    if (!refreshed) return;
    expect(emulators.klearstack.stats.refreshRequests).toBe(1);
    expect(emulators.klearstack.stats.lastTokenRequest?.body).toBe(
      new URLSearchParams({ refresh_token: first.refreshToken ?? '' }).toString(),
    );
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect(refreshed.refreshToken).not.toBe(first.refreshToken);
    expect(refreshed.expiresAt).toBe(jwtExp(refreshed.accessToken) * 1000);
    const res = await callApi(
      new URL('documents', emulators.klearstack.apiBaseUrl),
      refreshed.accessToken,
    );
    expect(res.status).toBe(200);

    // The rotated-out refresh token is rejected: REJECTED with the vendor's `detail`.
    const error = await failure(
      f.refreshToken?.(first.refreshToken ?? '', request()) as Promise<unknown>,
    );
    expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
    expect(error.status).toBe(401);
    expect(error.vendorMessage).toBe('Invalid refresh token');
    expectNoSecret(
      [first.refreshToken ?? '', refreshed.refreshToken ?? '', creds().password],
      error,
    );
  });

  it('defaults the refresh URL to refresh_token next to the token URL', async () => {
    const f = flow();
    const token = await f.requestToken(request());
    await f.refreshToken?.(token.refreshToken ?? '', request());
    expect(emulators.klearstack.refreshUrl).toBe(
      new URL('refresh_token', emulators.klearstack.tokenUrl).href,
    );
    expect(emulators.klearstack.stats.refreshRequests).toBe(1);
  });

  it('sends the extra fields with a refresh when refresh.extraFields is set', async () => {
    const f = flows.formCredentials({
      tokenUrl: emulators.klearstack.tokenUrl,
      username: creds().username,
      password: creds().password,
      fields: { company_name: creds().companyName },
      refresh: { extraFields: true },
    });
    const token = await f.requestToken(request());
    await f.refreshToken?.(token.refreshToken ?? '', request());
    const sent = new URLSearchParams(emulators.klearstack.stats.lastTokenRequest?.body);
    expect(sent.get('company_name')).toBe(creds().companyName);
    expect(sent.get('refresh_token')).toBe(token.refreshToken);
    expect(sent.has('password')).toBe(false);
  });

  it('wrong credentials: REJECTED 401 with the vendor detail', async () => {
    const f = flows.formCredentials({
      tokenUrl: emulators.klearstack.tokenUrl,
      username: creds().username,
      password: 'not-the-password',
      fields: { company_name: creds().companyName },
    });
    const error = await failure(f.requestToken(request()));
    expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
    expect(error.status).toBe(401);
    expect(error.vendorMessage).toBe('Invalid credentials');
    expectNoSecret(['not-the-password'], error, f);
  });

  it('missing company_name: REJECTED 500 whose message says a required field is missing', async () => {
    const error = await failure(flow(null).requestToken(request()));
    expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
    expect(error.status).toBe(500);
    expect(error.vendorMessage).toContain('company name must be missing');
    expect(error.vendorMessage?.length).toBeLessThanOrEqual(200);
    expect(error.message).toContain('required form field is missing');
    expect(error.message).toContain('company_name');
    expect(error.message).toContain('fields sent: username, password');
    expectNoSecret([creds().password], error);
  });

  it('falls back to lifetimeSeconds when the access token is not a readable JWT', async () => {
    // A real server whose access token is opaque.
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'opaque.not-base64!.x', refresh_token: 'r1' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const f = flows.formCredentials({
        tokenUrl: `http://127.0.0.1:${port}/login`,
        username: 'u',
        password: 'p-secret',
        lifetimeSeconds: 300,
      });
      const token = await f.requestToken(request());
      expect(token.expiresAt).toBeUndefined();
      expect(token.expiresIn).toBe(300);
      expect(token.refreshToken).toBe('r1');
    } finally {
      server.close();
    }
  });
});
