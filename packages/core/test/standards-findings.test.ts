/**
 * Findings of the standards audit, against a real OAuth server (oidc-provider on loopback): the
 * key type of a PEM decides its algorithm, a refused subject token says so, and token-exchange rows
 * of `status()` carry a subject fingerprint.
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type JsonWebKeyInput,
  type KeyObject,
} from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClients } from '../src/client/create-auth-clients.js';
import { flows } from '../src/flows/index.js';
import { algorithmFor, lazySigningKey } from '../src/shared/signing-key.js';
import { failure, request } from './support/flow-request.js';
import { ACCESS_TOKEN_TYPE, type OidcServer, startOidcServer } from './support/oidc-server.js';

let server: OidcServer;
beforeAll(async () => {
  server = await startOidcServer();
  server.subjects.set('subject-token-alice-7f3a', 'alice');
  server.subjects.set('subject-token-bob-91c2', 'bob');
});
afterAll(() => server.close());

function pkcs8(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

describe('the algorithm of a PEM key without `algorithm`', () => {
  it.each([
    [
      'EC P-256',
      'ES256',
      () => pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    ],
    [
      'EC P-384',
      'ES384',
      () => pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey),
    ],
    [
      'EC P-521',
      'ES512',
      () => pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey),
    ],
    ['Ed25519', 'EdDSA', () => pkcs8(generateKeyPairSync('ed25519').privateKey)],
    ['RSA', 'RS256', () => pkcs8(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)],
  ])('%s signs with %s, as the same key given as a JWK would', async (_, expected, make) => {
    const pem = make();
    expect(algorithmFor(pem, undefined)).toBe(expected);
    const jwk = createPrivateKey(pem).export({ format: 'jwk' }) as JsonWebKey;
    expect(algorithmFor(jwk, undefined)).toBe(expected);
    await expect(lazySigningKey('privateKey', pem, expected)()).resolves.toBeDefined();
  });

  it('keeps an explicit `algorithm`, and takes what it cannot read as RS256', () => {
    expect(
      algorithmFor(pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), 'ES256'),
    ).toBe('ES256');
    expect(
      algorithmFor(
        '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----',
        undefined,
      ),
    ).toBe('RS256');
  });

  it('a JWT bearer assertion signed with an EC PEM is accepted by the server', async () => {
    const pem = createPrivateKey({ key: server.assertionKey, format: 'jwk' } as JsonWebKeyInput)
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const flow = flows.jwtBearer({
      tokenUrl: server.tokenUrl,
      clientId: 'assertion',
      assertion: { privateKey: pem, issuer: 'svc-reports', subject: 'reports' },
    });
    const token = await flow.requestToken(request());
    expect(token.tokenType).toBe('Bearer');
  });
});

describe('token exchange', () => {
  const exchange = (clientSecret = server.secrets.exchange) =>
    flows.tokenExchange({
      tokenUrl: server.tokenUrl,
      clientId: 'exchanger',
      clientSecret,
      subjectTokenType: ACCESS_TOKEN_TYPE,
      audience: 'billing',
    });

  it('a refused subject token: the message says the subject token was refused', async () => {
    const error = await failure(
      exchange().requestToken(request({ subjectToken: 'st-9c2e41a7f0b3' })),
    );
    expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
    expect(error.vendorCode).toBe('invalid_grant');
    expect(error.message).toContain('the subject token was refused');
    expect(error.message).not.toContain('check the credentials');
    expect(error.message).not.toContain('st-9c2e41a7f0b3');
  });

  it('refused client credentials still say to check the credentials', async () => {
    const error = await failure(
      exchange('wrong-secret').requestToken(request({ subjectToken: 'subject-token-alice-7f3a' })),
    );
    expect(error.vendorCode).toBe('invalid_client');
    expect(error.message).toContain('check the credentials');
    expect(error.message).not.toContain('subject token');
  });

  it('status() rows carry a short, non-secret fingerprint of their subject', async () => {
    const clients = createAuthClients({ billing: { baseUrl: server.apiUrl, flow: exchange() } });
    const subjects = ['subject-token-alice-7f3a', 'subject-token-bob-91c2'];
    for (const subjectToken of subjects) {
      await clients.billing.withContext({ subjectToken }).getToken();
    }
    const fingerprint = (token: string) =>
      createHash('sha256').update(token).digest('hex').slice(0, 8);
    const rows = clients.status();
    expect(rows.map((row) => row.subject)).toEqual(subjects.map(fingerprint));
    expect(rows.every((row) => row.state === 'valid' && row.client === 'billing')).toBe(true);
    const printed = JSON.stringify(rows);
    for (const subject of subjects) expect(printed).not.toContain(subject);
    await clients.close();
  });
});
