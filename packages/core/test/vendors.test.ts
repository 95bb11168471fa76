/**
 * The seven vendor presets against their emulators (real HTTP, one fake clock shared by the
 * emulators, the clients and the assertions they sign). Per vendor: a cold call, then 100
 * concurrent calls in each of 3 short lifetimes (0 failed, token requests counted at the
 * emulator); a revoked token renewed once; a wrong key or secret failing with a typed error that
 * prints no secret. The emulators check the assertions' signatures, claims and limits.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import {
  type AuthClientOptions,
  type AuthErrorCode,
  createAuthClients,
  isAuthError,
  presets,
} from '@auth/core';
import {
  EMULATOR_API_DATA,
  EMULATOR_CREDENTIALS,
  type Emulators,
  type ProviderEmulator,
  startEmulators,
} from '@auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from './support/fake-flow.js';
import { expectNoSecret } from './support/flow-request.js';

/** Short token lifetime of every emulator, seconds. */
const LIFETIME = 15;
const CALLERS = 100;
const clock = manualClock(Date.now());
let emulators: Emulators;
beforeAll(async () => {
  const lifetimes = Object.fromEntries(
    ['github', 'google', 'salesforce', 'okta', 'entra', 'auth0', 'zoom'].map((n) => [n, LIFETIME]),
  );
  emulators = await startEmulators({ now: clock.now, lifetimes });
});
afterAll(() => emulators.close());

/** A fresh RSA key no vendor knows (PKCS#8 PEM). */
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

interface VendorCase {
  emulator: () => ProviderEmulator;
  /** The preset's options with the emulator's credentials. */
  options: () => AuthClientOptions;
  /** The same with a wrong key or secret, the code it fails with and the secrets to look for. */
  wrong: () => { options: AuthClientOptions; code: AuthErrorCode; secrets: string[] };
  /** An API path relative to the preset's base URL, and what it answers. */
  path: string;
  data: () => unknown;
}

const VENDORS: Record<string, VendorCase> = {
  githubApp: {
    emulator: () => emulators.github,
    options: () =>
      presets.githubApp({
        ...emulators.github.credentials,
        baseUrl: emulators.github.apiBaseUrl,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.githubApp({
        ...emulators.github.credentials,
        privateKey: strangerKey,
        baseUrl: emulators.github.apiBaseUrl,
        now: clock.now,
      }),
      code: 'TOKEN_ENDPOINT_REJECTED',
      secrets: [strangerKey, strangerKey.split('\n')[3] as string],
    }),
    path: 'installation/repositories',
    data: () => EMULATOR_API_DATA.github,
  },
  googleServiceAccount: {
    emulator: () => emulators.google,
    options: () =>
      presets.googleServiceAccount({
        credentials: emulators.google.credentials,
        scopes: [emulators.google.scope],
        baseUrl: emulators.google.apiBaseUrl,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.googleServiceAccount({
        credentials: { ...emulators.google.credentials, private_key: strangerKey },
        scopes: [emulators.google.scope],
        baseUrl: emulators.google.apiBaseUrl,
        now: clock.now,
      }),
      code: 'TOKEN_ENDPOINT_REJECTED',
      secrets: [strangerKey, strangerKey.split('\n')[3] as string],
    }),
    path: 'b',
    data: () => EMULATOR_API_DATA.google,
  },
  'entraId (certificate)': {
    emulator: () => emulators.entra,
    options: () => {
      const { tenantId, clientId, privateKey, certificate, scope } = emulators.entra.credentials;
      return presets.entraId({
        tenantId,
        clientId,
        certificate: { privateKey, certificate },
        scope,
        authority: emulators.entra.authority,
        baseUrl: emulators.entra.apiBaseUrl,
        now: clock.now,
      });
    },
    wrong: () => {
      const { tenantId, clientId, certificate, scope } = emulators.entra.credentials;
      return {
        options: presets.entraId({
          tenantId,
          clientId,
          certificate: { privateKey: strangerKey, certificate },
          scope,
          authority: emulators.entra.authority,
          baseUrl: emulators.entra.apiBaseUrl,
          now: clock.now,
        }),
        code: 'CLIENT_AUTH_REJECTED',
        secrets: [strangerKey, strangerKey.split('\n')[3] as string],
      };
    },
    path: 'organization',
    data: () => EMULATOR_API_DATA.entra,
  },
  'entraId (secret)': {
    emulator: () => emulators.entra,
    options: () => {
      const { tenantId, clientId, clientSecret, scope } = emulators.entra.credentials;
      return presets.entraId({
        tenantId,
        clientId,
        clientSecret,
        scope,
        authority: emulators.entra.authority,
        baseUrl: emulators.entra.apiBaseUrl,
        now: clock.now,
      });
    },
    wrong: () => {
      const { tenantId, clientId, scope } = emulators.entra.credentials;
      return {
        options: presets.entraId({
          tenantId,
          clientId,
          clientSecret: 'wrong-entra-secret~Zz9',
          scope,
          authority: emulators.entra.authority,
          baseUrl: emulators.entra.apiBaseUrl,
          now: clock.now,
        }),
        code: 'TOKEN_ENDPOINT_REJECTED',
        secrets: ['wrong-entra-secret~Zz9'],
      };
    },
    path: 'organization',
    data: () => EMULATOR_API_DATA.entra,
  },
  salesforce: {
    emulator: () => emulators.salesforce,
    options: () =>
      presets.salesforce({
        ...emulators.salesforce.credentials,
        instanceUrl: emulators.salesforce.origin,
        loginUrl: emulators.salesforce.origin,
        lifetimeSeconds: LIFETIME,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.salesforce({
        ...emulators.salesforce.credentials,
        privateKey: strangerKey,
        instanceUrl: emulators.salesforce.origin,
        loginUrl: emulators.salesforce.origin,
        now: clock.now,
      }),
      code: 'TOKEN_ENDPOINT_REJECTED',
      secrets: [strangerKey, strangerKey.split('\n')[3] as string],
    }),
    path: 'services/data/v62.0/sobjects',
    data: () => EMULATOR_API_DATA.salesforce,
  },
  auth0: {
    emulator: () => emulators.auth0,
    options: () =>
      presets.auth0({
        ...emulators.auth0.credentials,
        domain: emulators.auth0.domain,
        baseUrl: emulators.auth0.apiBaseUrl,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.auth0({
        ...emulators.auth0.credentials,
        clientSecret: 'wrong-auth0-secret-Kq1',
        domain: emulators.auth0.domain,
        baseUrl: emulators.auth0.apiBaseUrl,
        now: clock.now,
      }),
      code: 'TOKEN_ENDPOINT_REJECTED',
      secrets: ['wrong-auth0-secret-Kq1'],
    }),
    path: 'reports',
    data: () => EMULATOR_API_DATA.auth0,
  },
  okta: {
    emulator: () => emulators.okta,
    options: () =>
      presets.okta({
        ...emulators.okta.credentials,
        issuer: emulators.okta.issuer,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.okta({
        ...emulators.okta.credentials,
        privateKey: strangerKey,
        issuer: emulators.okta.issuer,
        now: clock.now,
      }),
      code: 'CLIENT_AUTH_REJECTED',
      secrets: [strangerKey, strangerKey.split('\n')[3] as string],
    }),
    path: 'users',
    data: () => EMULATOR_API_DATA.okta,
  },
  'okta (DPoP)': {
    emulator: () => emulators.okta,
    options: () =>
      presets.okta({
        ...emulators.okta.credentials,
        issuer: emulators.okta.issuer,
        dpop: true,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.okta({
        ...emulators.okta.credentials,
        privateKey: strangerKey,
        issuer: emulators.okta.issuer,
        dpop: true,
        now: clock.now,
      }),
      code: 'CLIENT_AUTH_REJECTED',
      secrets: [strangerKey, strangerKey.split('\n')[3] as string],
    }),
    path: 'users',
    data: () => EMULATOR_API_DATA.okta,
  },
  zoom: {
    emulator: () => emulators.zoom,
    options: () =>
      presets.zoom({
        ...emulators.zoom.credentials,
        baseUrl: emulators.zoom.apiBaseUrl,
        tokenUrl: emulators.zoom.tokenUrl,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.zoom({
        ...emulators.zoom.credentials,
        clientSecret: 'wrong-zoom-secret-Jd8',
        baseUrl: emulators.zoom.apiBaseUrl,
        tokenUrl: emulators.zoom.tokenUrl,
        now: clock.now,
      }),
      code: 'TOKEN_ENDPOINT_REJECTED',
      secrets: ['wrong-zoom-secret-Jd8'],
    }),
    path: 'users/me',
    data: () => EMULATOR_API_DATA.zoom,
  },
};

describe.each(Object.entries(VENDORS))('%s against its emulator', (_name, vendor) => {
  // Each case starts on the wall clock: proofs the engine dates itself (DPoP) stay in range.
  beforeEach(() => {
    clock.time = Date.now();
  });

  it('a cold call, then 100 concurrent calls in each of 3 lifetimes: 0 failed, 1 token per lifetime', async () => {
    const emulator = vendor.emulator();
    emulator.resetStats();
    const clients = createAuthClients({ vendor: vendor.options() });
    const cold = await clients.vendor.fetch(vendor.path);
    expect(cold.status).toBe(200);
    expect(await cold.json()).toEqual(vendor.data());
    expect(emulator.stats.tokenRequests).toBe(1);
    let failed = 0;
    for (let lifetime = 1; lifetime <= 3; lifetime++) {
      const statuses = await Promise.all(
        Array.from({ length: CALLERS }, () =>
          clients.vendor.fetch(vendor.path).then(
            (res) => res.status,
            () => 0,
          ),
        ),
      );
      failed += statuses.filter((status) => status !== 200).length;
      expect(emulator.stats.tokenRequests).toBe(lifetime);
      clock.advance((LIFETIME + 1) * 1000);
    }
    expect(failed).toBe(0);
    expect(emulator.stats.tokenRequests).toBeLessThanOrEqual(3 + 1);
    expect(emulator.stats.unauthorized).toBe(0);
  });

  it('a revoked token is renewed once', async () => {
    const emulator = vendor.emulator();
    const clients = createAuthClients({ vendor: vendor.options() });
    expect((await clients.vendor.fetch(vendor.path)).status).toBe(200);
    emulator.resetStats();
    emulator.revokeAll();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => clients.vendor.fetch(vendor.path).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(10).fill(200));
    expect(emulator.stats.tokenRequests).toBe(1);
    expect(emulator.stats.unauthorized).toBeGreaterThanOrEqual(1);
  });

  it('a wrong key or secret is a typed error with no secret in it', async () => {
    const { options, code, secrets } = vendor.wrong();
    const clients = createAuthClients({ vendor: options });
    const error = await clients.vendor.fetch(vendor.path).catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    expect((error as { status?: number }).status).toBeGreaterThanOrEqual(400);
    expectNoSecret(secrets, error, clients.status(), options, inspect(clients));
  });
});

describe('vendor specifics the emulators check', () => {
  it('githubApp accepts the PKCS#1 key GitHub hands out', async () => {
    const pkcs1 = createPrivateKey(emulators.github.credentials.privateKey)
      .export({ type: 'pkcs1', format: 'pem' })
      .toString();
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    const clients = createAuthClients({
      github: presets.githubApp({
        ...emulators.github.credentials,
        privateKey: pkcs1,
        baseUrl: emulators.github.apiBaseUrl,
        now: clock.now,
      }),
    });
    expect((await clients.github.fetch('installation/repositories')).status).toBe(200);
  });

  it('githubApp: an app JWT dated on a clock 15 minutes behind is refused (exp in the past)', async () => {
    const clients = createAuthClients({
      github: presets.githubApp({
        ...emulators.github.credentials,
        baseUrl: emulators.github.apiBaseUrl,
        now: () => clock.now() - 15 * 60_000,
      }),
    });
    const error = await clients.github.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TOKEN_ENDPOINT_REJECTED', status: 401 });
    expect((error as Error).message).toContain("'Expiration time' claim ('exp') is in the past");
  });

  it('githubApp: a wrong app id is refused by the emulator', async () => {
    const clients = createAuthClients({
      github: presets.githubApp({
        ...emulators.github.credentials,
        appId: 999,
        baseUrl: emulators.github.apiBaseUrl,
        now: clock.now,
      }),
    });
    await expect(clients.github.getToken()).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT_REJECTED',
      vendorMessage: 'Integration not found',
    });
  });

  it('googleServiceAccount: a scope Google does not know is invalid_scope', async () => {
    const clients = createAuthClients({
      google: presets.googleServiceAccount({
        credentials: emulators.google.credentials,
        scopes: 'read-everything',
        baseUrl: emulators.google.apiBaseUrl,
        now: clock.now,
      }),
    });
    await expect(clients.google.getToken()).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT_REJECTED',
      status: 400,
      vendorCode: 'invalid_scope',
    });
  });

  it('googleServiceAccount: two service accounts on one token URL keep separate tokens', () => {
    const flowOf = (email: string) =>
      presets.googleServiceAccount({
        credentials: { ...emulators.google.credentials, client_email: email },
        scopes: [emulators.google.scope],
        baseUrl: emulators.google.apiBaseUrl,
        now: clock.now,
      }).flow as { cacheKeyParts: readonly string[] };
    expect(flowOf('a@x.iam.gserviceaccount.com').cacheKeyParts).not.toEqual(
      flowOf('b@x.iam.gserviceaccount.com').cacheKeyParts,
    );
  });

  it('entraId: a certificate whose thumbprint the app does not hold is AADSTS700027', async () => {
    const { tenantId, clientId, privateKey, certificate, scope } = emulators.entra.credentials;
    // Right key and signature, but the header names another certificate (an x5t#S256 of garbage).
    const other = certificate.replace(
      /(-----BEGIN CERTIFICATE-----\n)(.)/,
      (_, head, first) => head + (first === 'A' ? 'B' : 'A'),
    );
    const clients = createAuthClients({
      entra: presets.entraId({
        tenantId,
        clientId,
        certificate: { privateKey, certificate: other },
        scope,
        authority: emulators.entra.authority,
        baseUrl: emulators.entra.apiBaseUrl,
        now: clock.now,
      }),
    });
    const error = await clients.entra.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CLIENT_AUTH_REJECTED', vendorCode: 'invalid_client' });
    expect((error as { vendorMessage: string }).vendorMessage).toMatch(/^AADSTS700027/);
  });

  it('salesforce: an assertion whose exp is over 3 minutes ahead is refused', async () => {
    const clients = createAuthClients({
      sf: presets.salesforce({
        ...emulators.salesforce.credentials,
        instanceUrl: emulators.salesforce.origin,
        loginUrl: emulators.salesforce.origin,
        now: () => clock.now() + 4 * 60_000,
      }),
    });
    // Dated 4 minutes ahead, the assertion's exp is 7 minutes ahead of the emulator: refused.
    await expect(clients.sf.getToken()).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT_REJECTED',
      vendorCode: 'invalid_grant',
      vendorMessage: 'invalid assertion',
    });
    expect(emulators.salesforce.stats.lastTokenRequest?.body).toContain('grant_type=urn');
  });

  it('zoom: sends account_credentials, account_id and Basic auth', async () => {
    const options = VENDORS.zoom?.options() as AuthClientOptions;
    const clients = createAuthClients({ zoom: options });
    await clients.zoom.getToken();
    const sent = emulators.zoom.stats.lastTokenRequest;
    const form = new URLSearchParams(sent?.body);
    expect(form.get('grant_type')).toBe('account_credentials');
    expect(form.get('account_id')).toBe(emulators.zoom.credentials.accountId);
    expect(form.has('client_secret')).toBe(false);
    expect(String(sent?.headers.authorization)).toMatch(/^Basic /);
  });

  it('auth0: an unknown audience is a 403 access_denied', async () => {
    const clients = createAuthClients({
      auth0: presets.auth0({
        ...emulators.auth0.credentials,
        audience: 'https://other.example.com/',
        domain: emulators.auth0.domain,
        baseUrl: emulators.auth0.apiBaseUrl,
        now: clock.now,
      }),
    });
    await expect(clients.auth0.getToken()).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT_REJECTED',
      status: 403,
      vendorCode: 'access_denied',
    });
  });

  it('okta with DPoP: a nonce round, a DPoP-bound token the API takes only with a proof', async () => {
    clock.time = Date.now();
    emulators.okta.resetStats();
    const clients = createAuthClients({
      okta: VENDORS['okta (DPoP)']?.options() as AuthClientOptions,
    });
    const token = await clients.okta.getToken();
    expect(token.tokenType).toBe('DPoP');
    // The first token request was refused for want of the nonce, the second carried it.
    expect(emulators.okta.stats.tokenAttempts).toBe(2);
    expect(emulators.okta.stats.tokenRequests).toBe(1);
    const asBearer = await fetch(new URL('users', emulators.okta.apiBaseUrl), {
      headers: { authorization: `Bearer ${token.accessToken}` },
    });
    expect(asBearer.status).toBe(401);
    expect((await clients.okta.fetch('users')).status).toBe(200);
  });

  it('okta: a scope the app was not granted is invalid_scope', async () => {
    const clients = createAuthClients({
      okta: presets.okta({
        ...emulators.okta.credentials,
        scopes: ['okta.users.manage'],
        issuer: emulators.okta.issuer,
        now: clock.now,
      }),
    });
    await expect(clients.okta.getToken()).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT_REJECTED',
      vendorCode: 'invalid_scope',
    });
  });
});

describe('vendor preset defaults (the documented endpoints)', () => {
  const parts = (options: AuthClientOptions) =>
    (options.flow as { cacheKeyParts: readonly string[] }).cacheKeyParts;
  const pem = EMULATOR_CREDENTIALS.okta.privateKey;

  it('githubApp, zoom, auth0, okta, entraId, salesforce, googleServiceAccount', () => {
    const github = presets.githubApp({ appId: 1, privateKey: pem, installationId: 42 });
    expect(github.baseUrl).toBe('https://api.github.com/');
    expect(parts(github)).toEqual([
      'https://api.github.com/app/installations/42/access_tokens',
      '1',
      '42',
    ]);
    const zoom = presets.zoom({ accountId: 'a1', clientId: 'c', clientSecret: 'zoom-s3cret' });
    expect(zoom.baseUrl).toBe('https://api.zoom.us/v2/');
    expect(parts(zoom)[0]).toBe('https://zoom.us/oauth/token');
    const auth0 = presets.auth0({
      domain: 'acme.eu.auth0.com',
      clientId: 'c',
      clientSecret: 'auth0-s3cret',
      audience: 'https://api.acme.example/',
      baseUrl: 'https://api.acme.example/v1',
    });
    expect(parts(auth0)[0]).toBe('https://acme.eu.auth0.com/oauth/token');
    expect(auth0.baseUrl).toBe('https://api.acme.example/v1/');
    const org = presets.okta({
      issuer: 'https://acme.okta.com',
      clientId: 'c',
      privateKey: pem,
      scopes: 'okta.users.read',
    });
    expect(parts(org)[0]).toBe('https://acme.okta.com/oauth2/v1/token');
    expect(org.baseUrl).toBe('https://acme.okta.com/api/v1/');
    const custom = presets.okta({
      issuer: 'https://acme.okta.com/oauth2/default',
      clientId: 'c',
      privateKey: pem,
      scopes: ['api:read'],
    });
    expect(parts(custom)[0]).toBe('https://acme.okta.com/oauth2/default/v1/token');
    const entra = presets.entraId({
      tenantId: 't-1',
      clientId: 'c',
      clientSecret: 'entra-s3cret',
      scope: 'https://graph.microsoft.com/.default',
      baseUrl: 'https://graph.microsoft.com/v1.0/',
    });
    expect(parts(entra)[0]).toBe('https://login.microsoftonline.com/t-1/oauth2/v2.0/token');
    const sf = presets.salesforce({
      instanceUrl: 'https://acme.my.salesforce.com',
      clientId: 'c',
      privateKey: pem,
      username: 'u@acme.com',
    });
    expect(sf.baseUrl).toBe('https://acme.my.salesforce.com/');
    expect(parts(sf)).toContain('https://login.salesforce.com'); // the assertion's aud
    expect(parts(sf)[0]).toBe('https://login.salesforce.com/services/oauth2/token');
    const google = presets.googleServiceAccount({
      credentials: { client_email: 'svc@p.iam.gserviceaccount.com', private_key: pem },
      scopes: 'https://www.googleapis.com/auth/cloud-platform',
      baseUrl: 'https://storage.googleapis.com/storage/v1/',
    });
    expect(parts(google)[0]).toBe('https://oauth2.googleapis.com/token');
  });

  it('refuses what the vendor would refuse later, naming the client', () => {
    const okta = () =>
      createAuthClients({
        okta: presets.okta({
          issuer: 'https://acme.okta.com',
          clientId: 'c',
          privateKey: pem,
          scopes: [],
        }),
      });
    expect(okta).toThrow(/clients\.okta\.scopes/);
    const both = () =>
      createAuthClients({
        entra: presets.entraId({
          tenantId: 't',
          clientId: 'c',
          clientSecret: 'entra-s3cret',
          certificate: { privateKey: pem, certificate: EMULATOR_CREDENTIALS.entra.certificate },
          scope: 's/.default',
          baseUrl: 'https://graph.microsoft.com/v1.0/',
        }),
      });
    expect(both).toThrow(/clients\.entra\.clientSecret/);
    const google = () =>
      createAuthClients({
        g: presets.googleServiceAccount({
          credentials: { client_email: 'svc@p', private_key: pem, type: 'authorized_user' },
          scopes: 's',
          baseUrl: 'https://storage.googleapis.com/',
        }),
      });
    expect(google).toThrow(/clients\.g\.credentials\.type/);
  });
});
