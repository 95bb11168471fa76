/**
 * The standards of DESIGN §11 against a real authorization server (`oidc-provider`, certified),
 * not our emulators: client_secret_jwt, private_key_jwt, tls_client_auth (mutual TLS with a test
 * CA), DPoP with nonces at the token endpoint and the API, token exchange (RFC 8693) and the JWT
 * bearer grant (RFC 7523). A resource server verifies each token and its binding. Token requests
 * are counted at the provider.
 */
import { inspect } from 'node:util';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthClient } from '../src/client/auth-client.js';
import type { AuthClientOptions } from '../src/client/client-options.js';
import { createAuthClient } from '../src/client/create-auth-clients.js';
import { MemoryTokenStore } from '../src/engine/memory-token-store.js';
import { AuthError } from '../src/errors.js';
import { flows } from '../src/flows/index.js';
import { mutualTls } from '../src/node.js';
import type { AuthEvent } from '../src/observability/events.js';
import { failure, request } from './support/flow-request.js';
import { ACCESS_TOKEN_TYPE, type OidcServer, startOidcServer } from './support/oidc-server.js';

const LIFETIME_S = 600;
const CALLERS = 100;
let server: OidcServer;
beforeAll(async () => {
  server = await startOidcServer({ tokenTtlSeconds: LIFETIME_S });
  server.subjects.set('subject-token-alice-7f3a', 'alice');
  server.subjects.set('subject-token-bob-91c2', 'bob');
});
afterAll(() => server.close());

/** A client on a fake wall clock (the provider's tokens stay valid in real time). */
function client(options: Omit<AuthClientOptions, 'baseUrl'> & { baseUrl?: string }) {
  const clock = { now: Date.now() };
  const events: AuthEvent[] = [];
  const authClient = createAuthClient({
    baseUrl: server.apiUrl,
    now: () => clock.now,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { authClient, clock, events };
}

/**
 * Three token lifetimes; in each, `CALLERS` concurrent API calls (spread over `views`) all
 * succeed, and the provider saw exactly one token request per view per lifetime.
 */
async function survivesExpiry(
  setup: ReturnType<typeof client>,
  clientId: string,
  views: readonly AuthClient[] = [setup.authClient],
) {
  const before = server.tokenRequests.get(clientId) ?? 0;
  for (let lifetime = 1; lifetime <= 3; lifetime++) {
    const responses = await Promise.all(
      Array.from({ length: CALLERS }, (_, i) => (views[i % views.length] as AuthClient).fetch('')),
    );
    const bodies = await Promise.all(responses.map((res) => res.json()));
    expect(responses.map((res) => res.status)).toEqual(Array(CALLERS).fill(200));
    expect(bodies.every((body) => body.client === clientId)).toBe(true);
    expect((server.tokenRequests.get(clientId) ?? 0) - before).toBe(lifetime * views.length);
    setup.clock.now += (LIFETIME_S + 1) * 1000;
  }
}

describe('client authentication', () => {
  it('client_secret_jwt: an HS256 assertion; 100 callers × 3 lifetimes, 1 token request each', async () => {
    const setup = client({
      flow: flows.clientCredentials({
        tokenUrl: server.tokenUrl,
        clientId: 'jwt-secret',
        clientSecret: server.secrets.jwt,
        auth: 'client_secret_jwt',
      }),
    });
    await survivesExpiry(setup, 'jwt-secret');
  });

  it('private_key_jwt: a JWK-signed assertion; 100 callers × 3 lifetimes, 1 token request each', async () => {
    const setup = client({
      flow: flows.clientCredentials({
        tokenUrl: server.tokenUrl,
        clientId: 'private-key',
        privateKey: server.clientKey,
      }),
    });
    await survivesExpiry(setup, 'private-key');
  });

  it('private_key_jwt takes a CryptoKey too, with keyId and algorithm', async () => {
    const { importJWK } = await import('jose');
    const key = (await importJWK(server.clientKey, 'RS256')) as CryptoKey;
    const flow = flows.clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'private-key',
      auth: 'private_key_jwt',
      privateKey: key,
      keyId: 'client-key-1',
      algorithm: 'RS256',
    });
    const token = await flow.requestToken(request());
    expect(token.tokenType).toBe('Bearer');
  });

  it('a wrong key is CLIENT_AUTH_REJECTED; a key that cannot sign is CLIENT_KEY_INVALID', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const wrong = flows.clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'private-key',
      privateKey,
    });
    const rejected = await failure(wrong.requestToken(request()));
    expect(rejected.code).toBe('CLIENT_AUTH_REJECTED');
    expect(rejected.status).toBe(401);
    expect(rejected.vendorCode).toBe('invalid_client');

    const broken = flows.clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'private-key',
      privateKey: { ...server.clientKey, n: 'AQAB' },
    });
    const invalid = await broken.requestToken(request()).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(AuthError);
    expect((invalid as AuthError).code).toBe('CLIENT_KEY_INVALID');
    expect(inspect(invalid)).not.toContain(server.clientKey.d);

    const wrongSecret = flows.clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'jwt-secret',
      clientSecret: 'x'.repeat(64),
      auth: 'client_secret_jwt',
    });
    expect((await failure(wrongSecret.requestToken(request()))).code).toBe('CLIENT_AUTH_REJECTED');
  });

  it('tls_client_auth: mutual TLS with a test CA, certificate-bound tokens; 100 callers × 3 lifetimes', async () => {
    const { pki } = server;
    const tls = mutualTls({ cert: pki.clientCert, key: pki.clientKey, ca: pki.ca });
    const setup = client({
      baseUrl: server.mtlsApiUrl,
      fetch: tls.fetch,
      flow: flows.clientCredentials({
        tokenUrl: server.mtlsTokenUrl,
        clientId: 'mtls',
        auth: 'tls_client_auth',
        tls,
      }),
    });
    await survivesExpiry(setup, 'mtls');
    expect(JSON.stringify(tls)).not.toContain('PRIVATE KEY');
  });

  it('a certificate-bound token without the certificate is refused by the API', async () => {
    const { pki } = server;
    const tls = mutualTls({ cert: pki.clientCert, key: pki.clientKey, ca: pki.ca });
    const flow = flows.clientCredentials({
      tokenUrl: server.mtlsTokenUrl,
      clientId: 'mtls',
      auth: 'tls_client_auth',
      tls,
    });
    const token = await flow.requestToken(request());
    const other = mutualTls({ cert: pki.wrongCert, key: pki.wrongKey, ca: pki.ca });
    const res = await other.fetch(server.mtlsApiUrl, {
      headers: { authorization: `Bearer ${token.accessToken}` },
    });
    expect(res.status).toBe(401);
  });

  it('a wrong certificate is CLIENT_AUTH_REJECTED', async () => {
    const { pki } = server;
    const flow = flows.clientCredentials({
      tokenUrl: server.mtlsTokenUrl,
      clientId: 'mtls',
      auth: 'tls_client_auth',
      tls: mutualTls({ cert: pki.wrongCert, key: pki.wrongKey, ca: pki.ca }),
    });
    const error = await failure(flow.requestToken(request()));
    expect(error.code).toBe('CLIENT_AUTH_REJECTED');
    expect(error.vendorCode).toBe('invalid_client');
  });
});

describe('DPoP', () => {
  it('binds tokens to the key; nonces at the token endpoint and the API; 100 callers × 3 lifetimes', async () => {
    const setup = client({
      flow: flows.clientCredentials({
        tokenUrl: server.tokenUrl,
        clientId: 'dpop',
        clientSecret: server.secrets.dpop,
        dpop: true,
      }),
    });
    const asked = server.api.nonceAsked;
    await survivesExpiry(setup, 'dpop');
    // The API's nonce is asked for while the first callers had none; later lifetimes reuse it.
    expect(server.api.nonceAsked - asked).toBeGreaterThan(0);
    expect(server.api.nonceAsked - asked).toBeLessThanOrEqual(CALLERS);
    const token = await setup.authClient.getToken();
    expect(token.tokenType).toBe('DPoP');
    const lateAsks = server.api.nonceAsked;
    expect((await setup.authClient.fetch('', { method: 'POST', body: 'x' })).status).toBe(200);
    expect(server.api.nonceAsked).toBe(lateAsks);
  });

  it('a DPoP token sent as a bearer token, or with a proof of another key, is refused', async () => {
    const flow = flows.clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'dpop',
      clientSecret: server.secrets.dpop,
      dpop: true,
    });
    const token = await flow.requestToken(request());
    expect(token.tokenType).toBe('DPoP');
    const bearer = await fetch(server.apiUrl, {
      headers: { authorization: `Bearer ${token.accessToken}` },
    });
    expect(bearer.status).toBe(401);
    const stranger = flows.clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'dpop',
      clientSecret: server.secrets.dpop,
      dpop: true,
    });
    const proof = await stranger.dpop?.proof('GET', new URL(server.apiUrl), token.accessToken);
    const res = await fetch(server.apiUrl, {
      headers: { authorization: `DPoP ${token.accessToken}`, dpop: proof as string },
    });
    expect(res.status).toBe(401);
  });

  it('the key thumbprint is part of the cache key; a given key pair is used', async () => {
    const pair = await generateKeyPair('ES256');
    const options = {
      tokenUrl: server.tokenUrl,
      clientId: 'dpop',
      clientSecret: server.secrets.dpop,
    };
    const a = flows.clientCredentials({ ...options, dpop: pair });
    const b = flows.clientCredentials({ ...options, dpop: pair });
    const c = flows.clientCredentials({ ...options, dpop: true });
    const { cacheKey } = await import('../src/engine/cache-key.js');
    expect(await cacheKey(a, undefined)).toBe(await cacheKey(b, undefined));
    expect(await cacheKey(a, undefined)).not.toBe(await cacheKey(c, undefined));
    const setup = client({ flow: a });
    expect((await setup.authClient.fetch('')).status).toBe(200);
  });

  it('a shared store: instances with one key pair share one token; dpop: true instances each keep their own', async () => {
    const options = {
      tokenUrl: server.tokenUrl,
      clientId: 'dpop',
      clientSecret: server.secrets.dpop,
    };
    const fleet = async (dpop: () => true | CryptoKeyPair) => {
      const store = new MemoryTokenStore();
      const before = server.tokenRequests.get('dpop') ?? 0;
      const instances = [1, 2, 3].map(() =>
        createAuthClient({
          baseUrl: server.apiUrl,
          store,
          flow: flows.clientCredentials({ ...options, dpop: dpop() }),
        }),
      );
      for (const instance of instances) expect((await instance.fetch('')).status).toBe(200);
      return (server.tokenRequests.get('dpop') ?? 0) - before;
    };
    const pair = await generateKeyPair('ES256');
    expect(await fleet(() => pair)).toBe(1);
    expect(await fleet(() => true)).toBe(3);
  });

  it('a server that keeps asking for a nonce without giving one: DPOP_NONCE_REJECTED', async () => {
    const stripNonce: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const headers = new Headers(res.headers);
      headers.delete('dpop-nonce');
      return new Response(res.body, { status: res.status, headers });
    };
    const flow = flows.clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'dpop',
      clientSecret: server.secrets.dpop,
      dpop: true,
    });
    const error = await failure(flow.requestToken(request({ fetch: stripNonce })));
    expect(error.code).toBe('DPOP_NONCE_REJECTED');
    expect(error.vendorCode).toBe('use_dpop_nonce');
  });
});

describe('token exchange', () => {
  const alice = 'subject-token-alice-7f3a';
  const bob = 'subject-token-bob-91c2';
  const exchange = () =>
    flows.tokenExchange({
      tokenUrl: server.tokenUrl,
      clientId: 'exchanger',
      clientSecret: server.secrets.exchange,
      subjectTokenType: ACCESS_TOKEN_TYPE,
      audience: 'billing',
    });

  it('2 subjects → 2 tokens, reused, each for its own subject; 100 callers × 3 lifetimes', async () => {
    const setup = client({ flow: exchange() });
    const views = [alice, bob].map((subjectToken) =>
      setup.authClient.withContext({ subjectToken }),
    );
    const first = await Promise.all(views.map(async (view) => (await view.fetch('')).json()));
    expect(first.map((body) => body.sub)).toEqual(['alice', 'bob']);
    expect(first.map((body) => body.aud)).toEqual(['billing', 'billing']);
    expect(server.tokenRequests.get('exchanger')).toBe(2);
    const [a, b] = await Promise.all(views.map((view) => view.getToken()));
    expect(a?.accessToken).not.toBe(b?.accessToken);
    // Reused: the next lifetime starts from the tokens above.
    setup.clock.now += (LIFETIME_S + 1) * 1000;
    await survivesExpiry(setup, 'exchanger', views);
    expect(server.exchanged.filter((s) => s === alice).length).toBe(4);
  });

  it('never prints a subject token: not in events, status, errors or the client', async () => {
    const unknown = 'subject-token-unknown-55aa';
    const setup = client({ flow: exchange() });
    const view = setup.authClient.withContext({ subjectToken: unknown, tenant: 'acme' });
    const error = await view.getToken().catch((e: unknown) => e);
    expect((error as AuthError).code).toBe('TOKEN_ENDPOINT_REJECTED');
    expect((await setup.authClient.withContext({ subjectToken: alice }).fetch('')).status).toBe(
      200,
    );
    const printed = [
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error),
      String(error),
      JSON.stringify(setup.events),
      inspect(view, { depth: 10 }),
      JSON.stringify(view),
    ].join('\n');
    for (const subject of [unknown, alice]) expect(printed).not.toContain(subject);
    expect(setup.events.some((e) => e.type === 'token.failure')).toBe(true);
  });

  it('without a subject token: SUBJECT_TOKEN_MISSING, and no token request', async () => {
    const before = server.tokenRequests.get('exchanger') ?? 0;
    const setup = client({ flow: exchange() });
    const error = await setup.authClient.getToken().catch((e: unknown) => e);
    expect((error as AuthError).code).toBe('SUBJECT_TOKEN_MISSING');
    expect(server.tokenRequests.get('exchanger') ?? 0).toBe(before);
  });

  it('sends actor_token, resource, scope and requested_token_type', async () => {
    const flow = flows.tokenExchange({
      tokenUrl: server.tokenUrl,
      clientId: 'exchanger',
      clientSecret: server.secrets.exchange,
      subjectTokenType: ACCESS_TOKEN_TYPE,
      actorToken: 'actor-token-3c1d',
      requestedTokenType: ACCESS_TOKEN_TYPE,
    });
    const token = await flow.requestToken(request({ subjectToken: alice }));
    const res = await fetch(server.apiUrl, {
      headers: { authorization: `Bearer ${token.accessToken}` },
    });
    expect(await res.json()).toMatchObject({ sub: 'alice', act: 'actor' });
    expect(token.extras?.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
  });
});

describe('JWT bearer', () => {
  it('an assertion signed from a key; 100 callers × 3 lifetimes', async () => {
    const setup = client({
      flow: flows.jwtBearer({
        tokenUrl: server.tokenUrl,
        clientId: 'assertion',
        assertion: { privateKey: server.assertionKey, issuer: 'svc-reports', subject: 'reports' },
      }),
    });
    await survivesExpiry(setup, 'assertion');
    expect(await (await setup.authClient.fetch('')).json()).toMatchObject({ sub: 'reports' });
  });

  it('an assertion from a function; a refused assertion is TOKEN_ENDPOINT_REJECTED', async () => {
    const { SignJWT, importJWK } = await import('jose');
    const key = await importJWK(server.assertionKey, 'ES256');
    const sign = (issuer: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(issuer)
        .setSubject('fn-subject')
        .setAudience(server.tokenUrl)
        .setIssuedAt()
        .setExpirationTime('2m')
        .sign(key);
    const good = flows.jwtBearer({
      tokenUrl: server.tokenUrl,
      clientId: 'assertion',
      assertion: () => sign('svc-reports'),
    });
    expect((await good.requestToken(request())).tokenType).toBe('Bearer');
    const bad = flows.jwtBearer({
      tokenUrl: server.tokenUrl,
      clientId: 'assertion',
      assertion: () => sign('someone-else'),
    });
    const error = await failure(bad.requestToken(request()));
    expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
    expect(error.vendorCode).toBe('invalid_grant');
  });
});
