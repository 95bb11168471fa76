import { createServer, type Server } from 'node:http';
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

/** The form body and headers the emulator received last. */
function lastRequest(emulator: Emulators[keyof Omit<Emulators, 'all' | 'close'>]) {
  const sent = emulator.stats.lastTokenRequest;
  expect(sent).toBeDefined();
  return {
    method: sent?.method,
    headers: sent?.headers ?? {},
    form: Object.fromEntries(new URLSearchParams(sent?.body ?? '')),
  };
}

/**
 * Decodes `Authorization: Basic` the way RFC 6749 §2.3.1 defines it: base64 of
 * `form-urlencoded(id):form-urlencoded(secret)`.
 */
function basicCredentials(header: unknown): [string, string] | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(String(header));
  if (!match?.[1]) return undefined;
  const [id = '', secret = ''] = atob(match[1]).split(':');
  const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  return [formDecode(id), formDecode(secret)];
}

describe('clientCredentials (OpsRamp emulator)', () => {
  const tenant = () => emulators.opsramp.credentials;
  const flow = (options: Partial<Parameters<typeof flows.clientCredentials>[0]> = {}) =>
    flows.clientCredentials({
      tokenUrl: emulators.opsramp.tokenUrl,
      clientId: tenant().clientId,
      clientSecret: tenant().clientSecret,
      ...options,
    });

  it('obtains a bearer token with expires_in; the tenant API accepts it', async () => {
    const token = await flow().requestToken(request());
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresIn).toBe(7200);
    expect(token.expiresAt).toBeUndefined();
    expect(token.extras).toEqual({ scope: 'global:manage' });
    const url = new URL(
      `api/v2/tenants/${tenant().tenantId}/alerts/search`,
      emulators.opsramp.apiBaseUrl,
    );
    const res = await fetch(url, { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ results: [], totalResults: 0 });
  });

  it('client_secret_post (default): grant_type, client_id, client_secret in the form, no Basic header', async () => {
    await flow().requestToken(request());
    const sent = lastRequest(emulators.opsramp);
    expect(sent.method).toBe('POST');
    expect(sent.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(sent.headers.accept).toBe('application/json');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.form).toEqual({
      grant_type: 'client_credentials',
      client_id: tenant().clientId,
      client_secret: tenant().clientSecret,
    });
  });

  it('client_secret_basic: RFC 6749 §2.3.1 Basic header, no credentials in the form', async () => {
    await flow({ auth: 'client_secret_basic' }).requestToken(request());
    const sent = lastRequest(emulators.opsramp);
    expect(basicCredentials(sent.headers.authorization)).toEqual([
      tenant().clientId,
      tenant().clientSecret,
    ]);
    expect(sent.form).toEqual({ grant_type: 'client_credentials' });
    expect(emulators.opsramp.stats.tokenRequests).toBe(1);
  });

  it('sends scope, audience and resource when given, and they key the cache', async () => {
    const f = flow({
      scope: ['global:read', 'alerts:read'],
      audience: 'aud-1',
      resource: 'https://r.example/',
    });
    await f.requestToken(request());
    expect(lastRequest(emulators.opsramp).form).toMatchObject({
      grant_type: 'client_credentials',
      scope: 'global:read alerts:read',
      audience: 'aud-1',
      resource: 'https://r.example/',
    });
    expect(f.cacheKeyParts).toEqual([
      emulators.opsramp.tokenUrl,
      tenant().clientId,
      'global:read alerts:read',
      'aud-1',
      'https://r.example/',
    ]);
    expectNoSecret([tenant().clientSecret], f);
  });

  it('wrong secret: REJECTED 401 with error / error_description (post and basic)', async () => {
    for (const auth of ['client_secret_post', 'client_secret_basic'] as const) {
      const f = flow({ clientSecret: 'wrong-secret-xyz', auth });
      const error = await failure(f.requestToken(request()));
      expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
      expect(error.flow).toBe('clientCredentials');
      expect(error.status).toBe(401);
      expect(error.vendorCode).toBe('invalid_client');
      expect(error.vendorMessage).toBe('Bad client credentials');
      expectNoSecret(['wrong-secret-xyz', tenant().clientSecret], error, f);
    }
  });

  it('two tenants get tokens for their own tenant only', async () => {
    const [, second] = emulators.opsramp.tenants;
    if (!second) throw new Error('emulator has two tenants');
    await flow().requestToken(request());
    await flow({ clientId: second.clientId, clientSecret: second.clientSecret }).requestToken(
      request(),
    );
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({
      [tenant().tenantId]: 1,
      [second.tenantId]: 1,
    });
  });

  it('issuer (opt-in discovery) finds the token endpoint once', async () => {
    let discoveries = 0;
    const server: Server = createServer((req, res) => {
      discoveries++;
      const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer, token_endpoint: emulators.opsramp.tokenUrl }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const f = flows.clientCredentials({
        issuer,
        clientId: tenant().clientId,
        clientSecret: tenant().clientSecret,
      });
      expect((await f.requestToken(request())).expiresIn).toBe(7200);
      await f.requestToken(request());
      expect(discoveries).toBe(1);
      expect(emulators.opsramp.stats.tokenRequests).toBe(2);
      expect(f.cacheKeyParts[0]).toBe(new URL(issuer).href);
    } finally {
      server.close();
    }
  });
});

describe('passwordGrant (ASP.NET Token API emulator)', () => {
  const creds = () => emulators.aspnet.credentials;
  const flow = (options: Partial<Parameters<typeof flows.passwordGrant>[0]> = {}) =>
    flows.passwordGrant({
      tokenUrl: emulators.aspnet.tokenUrl,
      username: creds().username,
      password: creds().password,
      ...options,
    });

  it('obtains a bearer token with expires_in (14 days) and the documented extras; the API accepts it', async () => {
    const token = await flow().requestToken(request());
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresIn).toBe(14 * 24 * 3600);
    expect(token.extras).toMatchObject({
      userName: creds().username,
      userId: '614a1d03-873d-489e-9ab5-fb53b0a0c64f',
      role: 'Administrator',
    });
    const issued = Date.parse(String(token.extras?.['.issued']));
    const expires = Date.parse(String(token.extras?.['.expires']));
    expect(expires - issued).toBe(14 * 24 * 3600 * 1000);
    const res = await fetch(new URL('me', emulators.aspnet.apiBaseUrl), {
      headers: { authorization: `Bearer ${token.accessToken}` },
    });
    expect(res.status).toBe(200);
  });

  it('sends exactly grant_type, username, password and no client_id when none is given', async () => {
    await flow().requestToken(request());
    const sent = lastRequest(emulators.aspnet);
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.form).toEqual({
      grant_type: 'password',
      username: creds().username,
      password: creds().password,
    });
  });

  it('sends client_id (public client) or client credentials when given, and scope', async () => {
    await flow({ clientId: 'web-app', scope: 'openid' }).requestToken(request());
    expect(lastRequest(emulators.aspnet).form).toEqual({
      grant_type: 'password',
      username: creds().username,
      password: creds().password,
      client_id: 'web-app',
      scope: 'openid',
    });
    await flow({
      clientId: 'web-app',
      clientSecret: 'app-secret',
      auth: 'client_secret_basic',
    }).requestToken(request());
    const sent = lastRequest(emulators.aspnet);
    expect(basicCredentials(sent.headers.authorization)).toEqual(['web-app', 'app-secret']);
    expect(sent.form.client_id).toBeUndefined();
    expect(sent.form.client_secret).toBeUndefined();
  });

  it('a new token revokes the earlier one at the server (why the manager single-flights)', async () => {
    const f = flow();
    const first = await f.requestToken(request());
    await f.requestToken(request());
    const res = await fetch(new URL('me', emulators.aspnet.apiBaseUrl), {
      headers: { authorization: `Bearer ${first.accessToken}` },
    });
    expect(res.status).toBe(401);
  });

  it('wrong password: REJECTED 400 invalid_grant with the description', async () => {
    const f = flow({ password: 'bad-pw-7Qz!999' });
    const error = await failure(f.requestToken(request()));
    expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
    expect(error.flow).toBe('passwordGrant');
    expect(error.status).toBe(400);
    expect(error.vendorCode).toBe('invalid_grant');
    expect(error.vendorMessage).toBe('The user name or password is incorrect.');
    expectNoSecret(['bad-pw-7Qz!999', creds().password], error, f);
  });

  it('uses .expires when expires_in is absent', async () => {
    const expires = 'Sun, 27 Sep 2099 09:35:33 GMT';
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: 'abc',
          token_type: 'bearer',
          '.expires': expires,
          role: 'x',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const token = await flows
        .passwordGrant({
          tokenUrl: `http://127.0.0.1:${port}/Token`,
          username: 'u',
          password: 'pw-1',
        })
        .requestToken(request());
      expect(token.expiresIn).toBeUndefined();
      expect(token.expiresAt).toBe(Date.parse(expires));
      expect(token.extras).toEqual({ '.expires': expires, role: 'x' });
    } finally {
      server.close();
    }
  });
});
