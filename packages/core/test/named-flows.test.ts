/**
 * Flows imported by name take DPoP and `private_key_jwt` as values (`dpopKey()`,
 * `auth: privateKeyJwt(...)`), so that an app bundles JWT signing only when it imports them; the
 * `flows` namespace keeps the shorthands `dpop: true | pair` and `privateKey`. Against a real
 * authorization server (`oidc-provider`).
 */
import { inspect } from 'node:util';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheKey } from '../src/engine/cache-key.js';
import { credentialsOf } from '../src/engine/shared-entries.js';
import type { TokenFlow } from '../src/engine/token-flow.js';
import {
  clientCredentials,
  dpopKey,
  flows,
  jwtBearer,
  passwordGrant,
  privateKeyJwt,
  tokenExchange,
} from '../src/index.js';
import { thrownConfigError } from './support/config-error.js';
import { expectNoSecret, request } from './support/flow-request.js';
import { type OidcServer, startOidcServer } from './support/oidc-server.js';

let server: OidcServer;
beforeAll(async () => {
  server = await startOidcServer({ tokenTtlSeconds: 600 });
});
afterAll(() => server.close());

describe('a flow imported by name', () => {
  it('authenticates with auth: privateKeyJwt(...) and binds tokens with dpop: dpopKey()', async () => {
    const signed = clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'private-key',
      auth: privateKeyJwt({ privateKey: server.clientKey, keyId: 'client-key-1' }),
    });
    expect((await signed.requestToken(request())).tokenType).toBe('Bearer');

    const bound = clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'dpop',
      clientSecret: server.secrets.dpop,
      dpop: dpopKey(),
    });
    expect((await bound.requestToken(request())).tokenType).toBe('DPoP');
  });

  it('dpopKey() gives each client a key of its own; dpopKey(pair) shares the pair (and the token)', async () => {
    const options = { tokenUrl: server.tokenUrl, clientId: 'dpop', clientSecret: 's' };
    const generated = dpopKey();
    const ownA = clientCredentials({ ...options, dpop: generated });
    const ownB = clientCredentials({ ...options, dpop: generated });
    expect(await cacheKey(ownA, undefined)).not.toBe(await cacheKey(ownB, undefined));
    const pair = dpopKey(await generateKeyPair('ES256'));
    const sharedA = clientCredentials({ ...options, dpop: pair });
    const sharedB = flows.clientCredentials({ ...options, dpop: pair });
    expect(await cacheKey(sharedA, undefined)).toBe(await cacheKey(sharedB, undefined));
  });

  it('takes none of the key shorthands, and names the one given', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const base = { tokenUrl: server.tokenUrl, clientId: 'c', clientSecret: 's' };
    const grants: Record<string, (shorthand: object) => TokenFlow> = {
      clientCredentials: (shorthand) => clientCredentials({ ...base, ...shorthand }),
      passwordGrant: (shorthand) =>
        passwordGrant({ ...base, username: 'u', password: 'p', ...shorthand }),
      tokenExchange: (shorthand) =>
        tokenExchange({ ...base, subjectTokenType: 'urn:x', ...shorthand }),
    };
    const shorthands: [string, object][] = [
      ['dpop', { dpop: true }],
      ['dpop', { dpop: { privateKey, publicKey } }],
      ['privateKey', { clientSecret: undefined, privateKey: server.clientKey }],
      ['keyId', { keyId: 'k1' }],
      ['algorithm', { algorithm: 'ES256' }],
      ['now', { now: Date.now }],
    ];
    for (const [name, grant] of Object.entries(grants)) {
      for (const [option, shorthand] of shorthands) {
        if (name === 'passwordGrant' && option === 'dpop') continue; // it has no dpop option
        const error = thrownConfigError(() => grant(shorthand));
        expect(error.option, `${name} ${option}`).toBe(option);
        expect(error.message).toMatch(option === 'dpop' ? /dpopKey\(\)/ : /privateKeyJwt\(/);
      }
    }
    const bearer = () =>
      // @ts-expect-error: the types refuse the shorthand too (this is for JavaScript callers)
      jwtBearer({ tokenUrl: server.tokenUrl, assertion: () => 'a.b.c', dpop: true });
    expect(thrownConfigError(bearer).option).toBe('dpop');
    // The namespace takes them, as before.
    expect(flows.clientCredentials({ ...base, dpop: true }).dpop).toBeDefined();
    expect(
      flows.jwtBearer({ tokenUrl: server.tokenUrl, assertion: () => 'a.b.c', dpop: true }).dpop,
    ).toBeDefined();
  });
});

describe('privateKeyJwt()', () => {
  it('owns the key options: the flow refuses them next to it, and a secret', () => {
    const auth = privateKeyJwt({ privateKey: server.clientKey });
    const base = { tokenUrl: server.tokenUrl, clientId: 'private-key', auth };
    // @ts-expect-error: the types refuse it too (this is for JavaScript callers)
    const keyIdToo = () => clientCredentials({ ...base, keyId: 'k' });
    expect(thrownConfigError(keyIdToo).option).toBe('keyId');
    expect(
      thrownConfigError(() => flows.clientCredentials({ ...base, privateKey: server.clientKey }))
        .option,
    ).toBe('privateKey');
    expect(thrownConfigError(() => clientCredentials({ ...base, clientSecret: 's' })).option).toBe(
      'clientSecret',
    );
    const notAuth = { method: 'client_secret_post' } as unknown as typeof auth;
    expect(thrownConfigError(() => clientCredentials({ ...base, auth: notAuth })).option).toBe(
      'auth',
    );
  });

  it('checks its own options when called', () => {
    const options = (extra: object) => ({ privateKey: server.clientKey, ...extra });
    expect(thrownConfigError(() => privateKeyJwt(options({ keyID: 'k' }))).option).toBe('keyID');
    expect(thrownConfigError(() => privateKeyJwt({ privateKey: 'not a key' })).option).toBe(
      'privateKey',
    );
    expect(thrownConfigError(() => privateKeyJwt(options({ algorithm: 'HS256' }))).option).toBe(
      'algorithm',
    );
    const notClock = options({ now: 5 }) as unknown as Parameters<typeof privateKeyJwt>[0];
    expect(thrownConfigError(() => privateKeyJwt(notClock)).option).toBe('now');
    expect(thrownConfigError(() => dpopKey({} as CryptoKeyPair)).option).toBe('dpop');
  });

  it('is taken by the flows namespace too, and a key that cannot sign is CLIENT_KEY_INVALID', async () => {
    const flow = flows.clientCredentials({
      tokenUrl: server.tokenUrl,
      clientId: 'private-key',
      auth: privateKeyJwt({ privateKey: { ...server.clientKey, n: 'AQAB' } }),
    });
    const error = await flow.requestToken(request()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CLIENT_KEY_INVALID' });
    expectNoSecret([server.clientKey.d as string], error);
  });

  it('prints no key, and tells flows with other keys apart', async () => {
    const auth = privateKeyJwt({ privateKey: server.clientKey });
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const dpop = dpopKey({ privateKey, publicKey });
    expect(JSON.stringify({ auth, dpop })).toBe(
      '{"auth":{"auth":"private_key_jwt"},"dpop":{"dpop":true}}',
    );
    expect(inspect(auth, { depth: 5 })).not.toContain(server.clientKey.d);

    const flow = (key: object) =>
      clientCredentials({
        tokenUrl: server.tokenUrl,
        clientId: 'private-key',
        auth: privateKeyJwt({ privateKey: key as JsonWebKey }),
      });
    const sameKey = flow(server.clientKey);
    expect(credentialsOf(sameKey)).toBe(credentialsOf(flow(server.clientKey)));
    expect(credentialsOf(sameKey)).not.toBe(credentialsOf(flow({ ...server.clientKey })));
  });
});
