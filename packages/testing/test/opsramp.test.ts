import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../src/index.js';
import { fakeClock, postForm, withBearer } from './helpers.js';

const EMPTY_SEARCH = {
  results: [],
  totalResults: 0,
  pageNo: 1,
  pageSize: 100,
  totalPages: 0,
  nextPage: false,
  descendingOrder: false,
};

/** RFC 6749 §2.3.1: form-urlencode id and secret, then base64 `id:secret`. */
function basic(id: string, secret: string): string {
  const enc = (s: string) => new URLSearchParams({ s }).toString().slice(2);
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

describe('opsramp emulator', () => {
  const clock = fakeClock();
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators({ now: clock.now });
  });
  afterAll(() => emulators.close());
  beforeEach(() => emulators.opsramp.resetStats());

  const token = (fields: Record<string, string>, headers?: Record<string, string>) =>
    fetch(emulators.opsramp.tokenUrl, postForm(fields, headers));
  const postLogin = (i = 0) => {
    const { clientId, clientSecret } = emulators.opsramp.tenants[i] ?? {};
    return token({
      grant_type: 'client_credentials',
      client_id: clientId ?? '',
      client_secret: clientSecret ?? '',
    });
  };
  const accessToken = async (i = 0) =>
    ((await (await postLogin(i)).json()) as { access_token: string }).access_token;
  const search = (tenantId: string, bearer: string) =>
    fetch(
      `${emulators.opsramp.apiBaseUrl}api/v2/tenants/${tenantId}/alerts/search`,
      withBearer(bearer),
    );

  it('has the documented URLs and two tenants', () => {
    const { origin, tokenUrl, apiBaseUrl, credentials, tenants } = emulators.opsramp;
    expect(tokenUrl).toBe(`${origin}/auth/oauth/token`);
    expect(apiBaseUrl).toBe(`${origin}/`);
    expect(tenants).toEqual([
      {
        tenantId: 'client_1234',
        clientId: 'opsramp-key-1234',
        clientSecret: 'opsramp-secret-1234',
      },
      {
        tenantId: 'client_5678',
        clientId: 'opsramp-key-5678',
        clientSecret: 'opsramp-secret-5678',
      },
    ]);
    expect(credentials).toBe(tenants[0]);
  });

  it('issues a token with client_secret_post and serves the alert search', async () => {
    const res = await postLogin();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 7200,
      scope: 'global:manage',
    });
    const api = await search('client_1234', body.access_token as string);
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual(EMPTY_SEARCH);
    expect(emulators.opsramp.stats).toMatchObject({
      tokenRequests: 1,
      tokenAttempts: 1,
      apiCalls: 1,
      tokensByTenant: { client_1234: 1 },
    });
  });

  it('issues a token with client_secret_basic (RFC 6749 §2.3.1 encoding)', async () => {
    const { clientId, clientSecret } = emulators.opsramp.tenants[1] ?? {};
    const res = await token(
      { grant_type: 'client_credentials' },
      { authorization: basic(clientId ?? '', clientSecret ?? '') },
    );
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    expect((await search('client_5678', access_token)).status).toBe(200);
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ client_5678: 1 });
  });

  it('answers 403 when the token belongs to another tenant', async () => {
    const res = await search('client_5678', await accessToken(0));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: 'access_denied',
      error_description: 'Access is denied',
    });
    expect(emulators.opsramp.stats.unauthorized).toBe(0);
  });

  it.each([
    ['a wrong secret (post)', { client_id: 'opsramp-key-1234', client_secret: 'x' }, undefined],
    ['no client authentication', {}, undefined],
    ['a wrong secret (basic)', {}, basic('opsramp-key-1234', 'x')],
    ['an undecodable Basic header', {}, 'Basic %%%'],
  ])('answers 401 invalid_client for %s', async (_, client, authorization) => {
    const res = await token(
      { grant_type: 'client_credentials', ...client },
      authorization ? { authorization } : {},
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Bad client credentials',
    });
    expect(res.headers.get('www-authenticate')).toBe(authorization ? 'Basic realm="oauth"' : null);
  });

  it('answers 400 unsupported_grant_type and invalid_request per RFC 6749 §5.2', async () => {
    const { clientId, clientSecret } = emulators.opsramp.credentials;
    const client = { client_id: clientId, client_secret: clientSecret };
    const wrongGrant = await token({ grant_type: 'password', ...client });
    expect(wrongGrant.status).toBe(400);
    expect(await wrongGrant.json()).toEqual({ error: 'unsupported_grant_type' });
    const noGrant = await token(client);
    expect(noGrant.status).toBe(400);
    expect(await noGrant.json()).toEqual({ error: 'invalid_request' });
    const twoMethods = await token(
      { grant_type: 'client_credentials', ...client },
      { authorization: basic(clientId, clientSecret) },
    );
    expect(twoMethods.status).toBe(400);
    expect(await twoMethods.json()).toEqual({ error: 'invalid_request' });
    expect(emulators.opsramp.stats).toMatchObject({ tokenRequests: 0, tokenAttempts: 3 });
  });

  it('answers 401 invalid_token once the token expires', async () => {
    const bearer = await accessToken();
    clock.advance(7199);
    expect((await search('client_1234', bearer)).status).toBe(200);
    clock.advance(1);
    const res = await search('client_1234', bearer);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await res.json()).toEqual({
      error: 'invalid_token',
      error_description: 'Invalid access token',
    });
    expect(emulators.opsramp.stats).toMatchObject({ apiCalls: 2, unauthorized: 1 });
  });

  it('resetStats() also clears tokensByTenant', async () => {
    await accessToken(1);
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ client_5678: 1 });
    emulators.opsramp.resetStats();
    expect(emulators.opsramp.stats).toEqual({
      tokenRequests: 0,
      tokenAttempts: 0,
      refreshRequests: 0,
      apiCalls: 0,
      unauthorized: 0,
      abortedApiCalls: 0,
      tokensByTenant: {},
    });
  });
});
