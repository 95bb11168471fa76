/**
 * What each vendor's emulator checks, seen through the presets (GitHub's app JWT limits, Google's
 * scope, Entra's thumbprint, Salesforce's assertion lifetime, Okta's DPoP, Zoom's grant, Auth0's
 * audience), and the presets' documented defaults.
 */
import { createPrivateKey } from 'node:crypto';
import { type AuthClientOptions, createAuthClients, presets } from '@auth/core';
import { EMULATOR_CREDENTIALS } from '@auth/testing';
import { describe, expect, it } from 'vitest';
import { clock, env, useVendorEmulators, VENDORS } from './support/vendor-cases.js';

useVendorEmulators();

describe('vendor specifics the emulators check', () => {
  it('githubApp accepts the PKCS#1 key GitHub hands out', async () => {
    const pkcs1 = createPrivateKey(env.emulators.github.credentials.privateKey)
      .export({ type: 'pkcs1', format: 'pem' })
      .toString();
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    const clients = createAuthClients({
      github: presets.githubApp({
        ...env.emulators.github.credentials,
        privateKey: pkcs1,
        baseUrl: env.emulators.github.apiBaseUrl,
        now: clock.now,
      }),
    });
    expect((await clients.github.fetch('installation/repositories')).status).toBe(200);
  });

  it('githubApp: an app JWT dated on a clock 15 minutes behind is refused (exp in the past)', async () => {
    const clients = createAuthClients({
      github: presets.githubApp({
        ...env.emulators.github.credentials,
        baseUrl: env.emulators.github.apiBaseUrl,
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
        ...env.emulators.github.credentials,
        appId: 999,
        baseUrl: env.emulators.github.apiBaseUrl,
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
        credentials: env.emulators.google.credentials,
        scopes: 'read-everything',
        baseUrl: env.emulators.google.apiBaseUrl,
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
        credentials: { ...env.emulators.google.credentials, client_email: email },
        scopes: [env.emulators.google.scope],
        baseUrl: env.emulators.google.apiBaseUrl,
        now: clock.now,
      }).flow as { cacheKeyParts: readonly string[] };
    expect(flowOf('a@x.iam.gserviceaccount.com').cacheKeyParts).not.toEqual(
      flowOf('b@x.iam.gserviceaccount.com').cacheKeyParts,
    );
  });

  it('entraId: a certificate whose thumbprint the app does not hold is AADSTS700027', async () => {
    const { tenantId, clientId, privateKey, certificate, scope } = env.emulators.entra.credentials;
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
        authority: env.emulators.entra.authority,
        baseUrl: env.emulators.entra.apiBaseUrl,
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
        ...env.emulators.salesforce.credentials,
        instanceUrl: env.emulators.salesforce.origin,
        loginUrl: env.emulators.salesforce.origin,
        now: () => clock.now() + 4 * 60_000,
      }),
    });
    // Dated 4 minutes ahead, the assertion's exp is 7 minutes ahead of the emulator: refused.
    await expect(clients.sf.getToken()).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT_REJECTED',
      vendorCode: 'invalid_grant',
      vendorMessage: 'invalid assertion',
    });
    expect(env.emulators.salesforce.stats.lastTokenRequest?.body).toContain('grant_type=urn');
  });

  it('zoom: sends account_credentials, account_id and Basic auth', async () => {
    const options = VENDORS.zoom?.options() as AuthClientOptions;
    const clients = createAuthClients({ zoom: options });
    await clients.zoom.getToken();
    const sent = env.emulators.zoom.stats.lastTokenRequest;
    const form = new URLSearchParams(sent?.body);
    expect(form.get('grant_type')).toBe('account_credentials');
    expect(form.get('account_id')).toBe(env.emulators.zoom.credentials.accountId);
    expect(form.has('client_secret')).toBe(false);
    expect(String(sent?.headers.authorization)).toMatch(/^Basic /);
  });

  it('auth0: an unknown audience is a 403 access_denied', async () => {
    const clients = createAuthClients({
      auth0: presets.auth0({
        ...env.emulators.auth0.credentials,
        audience: 'https://other.example.com/',
        domain: env.emulators.auth0.domain,
        baseUrl: env.emulators.auth0.apiBaseUrl,
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
    env.emulators.okta.resetStats();
    const clients = createAuthClients({
      okta: VENDORS['okta (DPoP)']?.options() as AuthClientOptions,
    });
    const token = await clients.okta.getToken();
    expect(token.tokenType).toBe('DPoP');
    // The first token request was refused for want of the nonce, the second carried it.
    expect(env.emulators.okta.stats.tokenAttempts).toBe(2);
    expect(env.emulators.okta.stats.tokenRequests).toBe(1);
    const asBearer = await fetch(new URL('users', env.emulators.okta.apiBaseUrl), {
      headers: { authorization: `Bearer ${token.accessToken}` },
    });
    expect(asBearer.status).toBe(401);
    expect((await clients.okta.fetch('users')).status).toBe(200);
  });

  it('okta: a scope the app was not granted is invalid_scope', async () => {
    const clients = createAuthClients({
      okta: presets.okta({
        ...env.emulators.okta.credentials,
        scopes: ['okta.users.manage'],
        issuer: env.emulators.okta.issuer,
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
