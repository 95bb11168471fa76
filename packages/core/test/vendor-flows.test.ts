/**
 * The public generalisations the vendor presets are built on: `jwtSigner` (with certificate
 * headers), `jwtBearer`'s object form (claims, optional subject, lifetime, audience) and a
 * function assertion's `principal`, `clientCredentials` with `grantType` and `parameters`, and
 * `flows.tokenRequest` for non-OAuth answers.
 */
import { X509Certificate } from 'node:crypto';
import { EMULATOR_CREDENTIALS } from '@auth/testing';
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flows, jwtSigner } from '../src/index.js';
import { type RecordedRequest, startApi } from './support/api-server.js';
import { thrownConfigError } from './support/config-error.js';
import { expectNoSecret, failure, request } from './support/flow-request.js';

const { privateKey, certificate } = EMULATOR_CREDENTIALS.entra;

describe('jwtSigner', () => {
  it('signs RS256 with iat, exp, jti and the claims, on the given clock', async () => {
    const now = Date.UTC(2030, 0, 1);
    const sign = jwtSigner({
      privateKey,
      lifetimeSeconds: 540,
      backdateSeconds: 60,
      now: () => now,
    });
    const jwt = await sign({ iss: 123456 });
    const publicKey = await importSPKI(
      new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      'RS256',
    );
    const { payload, protectedHeader } = await jwtVerify(jwt, publicKey, {
      currentDate: new Date(now),
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({ iss: 123456, iat: now / 1000 - 60, exp: now / 1000 + 540 });
    expect(typeof payload.jti).toBe('string');
    expect(decodeJwt(await sign({ iss: 1 })).jti).not.toBe(payload.jti);
  });

  it('names a certificate by x5t#S256, x5t and x5c, as the X.509 fingerprints say', async () => {
    const x509 = new X509Certificate(certificate);
    const hex = (fingerprint: string) =>
      Buffer.from(fingerprint.replace(/:/g, ''), 'hex').toString('base64url');
    const sign = jwtSigner({
      privateKey,
      keyId: 'k1',
      certificate,
      certificateHeaders: ['x5t#S256', 'x5t', 'x5c'],
    });
    expect(decodeProtectedHeader(await sign({}))).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: 'k1',
      'x5t#S256': hex(x509.fingerprint256),
      x5t: hex(x509.fingerprint),
      x5c: [x509.raw.toString('base64')],
    });
  });

  it('refuses bad options at once and never prints the key', async () => {
    expect(thrownConfigError(() => jwtSigner({ privateKey, certificate: 'nope' })).option).toBe(
      'certificate',
    );
    expect(
      thrownConfigError(() => jwtSigner({ privateKey, certificateHeaders: ['x5t'] })).option,
    ).toBe('certificateHeaders');
    const error = thrownConfigError(() =>
      jwtSigner({ privateKey, lifetimeSeconds: 300, lifetime: 1 } as never),
    );
    expect(error.option).toBe('lifetime');
    const body = 'MIIBrokenKeyBody0123456789abcdefSECRET';
    const broken = jwtSigner({
      privateKey: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`,
    });
    const signError = await broken({}).catch((e: unknown) => e);
    expect(signError).toMatchObject({ code: 'CLIENT_KEY_INVALID' });
    expectNoSecret([privateKey, body], signError, error, broken);
  });
});

/** A loopback token endpoint answering `reply(request)`. */
let api: Awaited<ReturnType<typeof startApi>>;
let reply: (request: RecordedRequest) => { status: number; body: unknown };
beforeAll(async () => {
  api = await startApi((recorded, res) => {
    const { status, body } = reply(recorded);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
});
afterAll(() => api.close());

describe('flows.tokenRequest', () => {
  it('reads a non-OAuth answer: a 201 with `token` and an ISO `expires_at`', async () => {
    reply = () => ({
      status: 201,
      body: { token: 'ghs_abc123', expires_at: '2030-01-01T01:00:00Z', permissions: {} },
    });
    const flow = flows.tokenRequest({
      id: 'acme',
      tokenUrl: `${api.url}token`,
      headers: async () => ({ authorization: 'Bearer app-jwt-77' }),
      body: { repositories: ['a'] },
      answer: { token: 'token', expiresAt: 'expires_at' },
      cacheKeyParts: ['app-1'],
    });
    expect(flow.cacheKeyParts).toEqual([`${api.url}token`, 'app-1']);
    const token = await flow.requestToken(request());
    expect(token).toEqual({
      accessToken: 'ghs_abc123',
      tokenType: 'Bearer',
      expiresAt: Date.parse('2030-01-01T01:00:00Z'),
      extras: { expires_at: '2030-01-01T01:00:00Z', permissions: {} },
    });
    const sent = api.requests.at(-1);
    expect(sent?.authorization).toBe('Bearer app-jwt-77');
    expect(JSON.parse(sent?.body ?? '')).toEqual({ repositories: ['a'] });
  });

  it('an error echoing the request headers keeps them out of the error', async () => {
    reply = (recorded) => ({
      status: 401,
      body: { message: `bad token ${recorded.authorization}` },
    });
    const flow = flows.tokenRequest({
      tokenUrl: `${api.url}token`,
      headers: () => ({ authorization: 'Bearer signed.assertion.XyZ987' }),
    });
    const error = await failure(flow.requestToken(request()));
    expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
    expect(error.vendorMessage).toContain('bad token');
    expectNoSecret(['signed.assertion.XyZ987'], error);
  });

  it('an unparseable expires_at is TOKEN_RESPONSE_INVALID; none at all uses the lifetime', async () => {
    reply = () => ({ status: 200, body: { token: 't-1', expires_at: 'soon' } });
    const flow = flows.tokenRequest({
      tokenUrl: `${api.url}token`,
      answer: { token: 'token', expiresAt: 'expires_at' },
      lifetimeSeconds: 120,
    });
    expect((await failure(flow.requestToken(request()))).code).toBe('TOKEN_RESPONSE_INVALID');
    reply = () => ({ status: 200, body: { token: 't-1' } });
    expect(await flow.requestToken(request())).toEqual({
      accessToken: 't-1',
      tokenType: 'Bearer',
      expiresIn: 120,
    });
  });
});

describe('flows.clientCredentials with grantType and parameters', () => {
  it('sends the vendor grant and fields, and keys the cache by them', async () => {
    reply = () => ({ status: 200, body: { access_token: 'z-1', token_type: 'bearer' } });
    const flow = (accountId: string) =>
      flows.clientCredentials({
        tokenUrl: `${api.url}oauth/token`,
        clientId: 'zc',
        clientSecret: 'zoom-s3cret',
        auth: 'client_secret_basic',
        grantType: 'account_credentials',
        parameters: { account_id: accountId },
      });
    await flow('acc-1').requestToken(request());
    const form = new URLSearchParams(api.requests.at(-1)?.body);
    expect(form.get('grant_type')).toBe('account_credentials');
    expect(form.get('account_id')).toBe('acc-1');
    expect(flow('acc-1').cacheKeyParts).not.toEqual(flow('acc-2').cacheKeyParts);
    const error = thrownConfigError(() =>
      flows.clientCredentials({
        tokenUrl: `${api.url}oauth/token`,
        clientId: 'zc',
        clientSecret: 'zoom-s3cret',
        parameters: { client_secret: 'x' },
      }),
    );
    expect(error.option).toBe('parameters');
  });
});

describe('flows.jwtBearer object form and principal', () => {
  it('adds claims, leaves out sub, sets aud and the lifetime; function assertions key by principal', async () => {
    reply = () => ({
      status: 200,
      body: { access_token: 'g-1', expires_in: 3599, token_type: 'Bearer' },
    });
    const now = Date.now();
    const flow = flows.jwtBearer({
      tokenUrl: `${api.url}token`,
      assertion: {
        privateKey,
        issuer: 'svc@example.iam',
        audience: 'https://login.example.com',
        claims: { scope: 'a b' },
        lifetimeSeconds: 180,
        now: () => now,
      },
    });
    await flow.requestToken(request());
    const claims = decodeJwt(new URLSearchParams(api.requests.at(-1)?.body).get('assertion') ?? '');
    expect(claims).toMatchObject({
      iss: 'svc@example.iam',
      aud: 'https://login.example.com',
      scope: 'a b',
    });
    expect(claims.sub).toBeUndefined();
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(180);
    expect(
      thrownConfigError(() =>
        flows.jwtBearer({
          tokenUrl: `${api.url}token`,
          assertion: { privateKey, issuer: 'x', claims: { aud: 'y' } },
        }),
      ).option,
    ).toBe('assertion.claims');
    const byFunction = (principal: string) =>
      flows.jwtBearer({ tokenUrl: `${api.url}token`, assertion: () => 'jwt', principal });
    expect(byFunction('svc-a').cacheKeyParts).not.toEqual(byFunction('svc-b').cacheKeyParts);
    expect(
      thrownConfigError(() =>
        flows.jwtBearer({
          tokenUrl: `${api.url}token`,
          assertion: { privateKey, issuer: 'x' },
          principal: 'x',
        }),
      ).option,
    ).toBe('principal');
  });
});
