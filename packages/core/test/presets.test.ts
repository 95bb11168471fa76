import { inspect } from 'node:util';
import { type Emulators, startEmulators } from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthClientOptions } from '../src/client/client-options.js';
import { createAuthClients } from '../src/client/create-auth-clients.js';
import type { TokenFlow } from '../src/engine/token-flow.js';
import { presets } from '../src/presets/index.js';
import { thrownConfigError } from './support/config-error.js';
import { request } from './support/flow-request.js';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());
afterEach(() => {
  for (const emulator of emulators.all) emulator.resetStats();
});

/** The flow of a preset (presets return a fixed flow, not a per-tenant function). */
function flowOf(options: AuthClientOptions): TokenFlow {
  expect(typeof options.flow).toBe('object');
  return options.flow as TokenFlow;
}

/** Gets a token with the preset's flow and calls `path` relative to the preset's baseUrl. */
async function callWith(options: AuthClientOptions, path: string): Promise<Response> {
  const token = await flowOf(options).requestToken(request());
  return fetch(new URL(path, options.baseUrl), {
    headers: { authorization: `Bearer ${token.accessToken}` },
  });
}

describe('presets.alertsite', () => {
  it('defaults to the documented AlertSite endpoints', () => {
    const options = presets.alertsite({ username: 'me@example.com', password: 'pw-alert' });
    expect(options.baseUrl).toBe('https://api.alertsite.com/api/v3/');
    const flow = flowOf(options);
    expect(flow.id).toBe('jsonCredentials');
    expect(flow.cacheKeyParts).toEqual([
      'https://api.alertsite.com/api/v3/access-tokens',
      'me@example.com',
    ]);
    expect(flow.defaultLifetimeSeconds).toBe(3600);
  });

  it('works against the emulator: tokenUrl = baseUrl + access-tokens, API relative to baseUrl', async () => {
    const options = presets.alertsite({
      ...emulators.alertsite.credentials,
      baseUrl: emulators.alertsite.apiBaseUrl,
    });
    expect(options.baseUrl).toBe(emulators.alertsite.apiBaseUrl);
    expect(flowOf(options).cacheKeyParts[0]).toBe(emulators.alertsite.tokenUrl);
    const res = await callWith(options, 'devices');
    expect(res.status).toBe(200);
    expect(emulators.alertsite.stats.tokenRequests).toBe(1);
  });
});

describe('presets.klearstack', () => {
  const options = (extra: Record<string, unknown> = {}) =>
    presets.klearstack({
      baseUrl: emulators.klearstack.origin,
      ...emulators.klearstack.credentials,
      ...extra,
    });

  it('resolves login, refresh and API below the server root', async () => {
    const o = options();
    expect(o.baseUrl).toBe(`${emulators.klearstack.origin}/api/`);
    const flow = flowOf(o);
    expect(flow.id).toBe('formCredentials');
    expect(flow.cacheKeyParts).toEqual([
      emulators.klearstack.tokenUrl,
      emulators.klearstack.credentials.username,
      `company_name=${emulators.klearstack.credentials.companyName}`,
    ]);
    const token = await flow.requestToken(request());
    const refreshed = await flow.refreshToken?.(token.refreshToken ?? '', request());
    expect(emulators.klearstack.stats.refreshRequests).toBe(1);
    const res = await fetch(new URL('documents', o.baseUrl), {
      headers: { authorization: `Bearer ${refreshed?.accessToken}` },
    });
    expect(res.status).toBe(200);
  });

  it('treats a base URL with a path prefix as a directory', () => {
    const o = presets.klearstack({
      baseUrl: 'https://acme.example.com/klear',
      username: 'u',
      password: 'pw-klear',
      companyName: 'Acme',
    });
    expect(o.baseUrl).toBe('https://acme.example.com/klear/api/');
    expect(flowOf(o).cacheKeyParts[0]).toBe(
      'https://acme.example.com/klear/access/klearstack/get_access_token',
    );
  });

  it('requires companyName and names it with the client', () => {
    const error = thrownConfigError(() =>
      createAuthClients({ klearstack: options({ companyName: '' }) }),
    );
    expect(error.option).toBe('clients.klearstack.companyName');
  });

  it('accepts apiBaseUrl and passes client options through', () => {
    const o = options({ apiBaseUrl: 'http://127.0.0.1:1/v2', timeoutMs: 1234 });
    expect(o.baseUrl).toBe('http://127.0.0.1:1/v2/');
    expect(o.timeoutMs).toBe(1234);
  });
});

describe('presets.opsramp', () => {
  it('token at baseUrl + auth/oauth/token, API base at the tenant root', async () => {
    const tenant = emulators.opsramp.credentials;
    const o = presets.opsramp({ baseUrl: emulators.opsramp.apiBaseUrl, ...tenant });
    expect(o.baseUrl).toBe(`${emulators.opsramp.origin}/api/v2/tenants/${tenant.tenantId}/`);
    expect(flowOf(o).cacheKeyParts.slice(0, 2)).toEqual([
      emulators.opsramp.tokenUrl,
      tenant.clientId,
    ]);
    const res = await callWith(o, 'alerts/search');
    expect(res.status).toBe(200);
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ [tenant.tenantId]: 1 });
  });

  it('sends scope and honours auth', async () => {
    const o = presets.opsramp({
      baseUrl: emulators.opsramp.origin,
      ...emulators.opsramp.credentials,
      scope: 'global:read',
      auth: 'client_secret_basic',
    });
    await flowOf(o).requestToken(request());
    const sent = emulators.opsramp.stats.lastTokenRequest;
    expect(String(sent?.headers.authorization)).toMatch(/^Basic /);
    expect(new URLSearchParams(sent?.body).get('scope')).toBe('global:read');
  });

  it('requires https for a remote base URL unless allowInsecureHttp', () => {
    const base = { tenantId: 't', clientId: 'c', clientSecret: 'opsramp-s3cret' };
    const error = thrownConfigError(() =>
      createAuthClients({ ops: presets.opsramp({ ...base, baseUrl: 'http://ops.example.com' }) }),
    );
    expect(error.option).toBe('clients.ops.baseUrl');
    expect(inspect(error)).not.toContain('opsramp-s3cret');
    const o = presets.opsramp({
      ...base,
      baseUrl: 'http://ops.example.com',
      allowInsecureHttp: true,
    });
    expect(o.baseUrl).toBe('http://ops.example.com/api/v2/tenants/t/');
    expect(o.allowInsecureHttp).toBe(true); // the client's baseUrl is plain http: too
    // Read directly, outside a registry, the options throw the same error without a client name.
    expect(
      thrownConfigError(() => presets.opsramp({ ...base, baseUrl: 'https://x', tenantId: '' }).flow)
        .option,
    ).toBe('tenantId');
  });
});

describe('presets.aspnetToken', () => {
  it('token at origin + /Token, API at baseUrl + api/', async () => {
    const o = presets.aspnetToken({
      baseUrl: emulators.aspnet.origin,
      ...emulators.aspnet.credentials,
    });
    expect(o.baseUrl).toBe(emulators.aspnet.apiBaseUrl);
    expect(flowOf(o).cacheKeyParts[0]).toBe(emulators.aspnet.tokenUrl);
    const res = await callWith(o, 'me');
    expect(res.status).toBe(200);
    expect(
      new URLSearchParams(emulators.aspnet.stats.lastTokenRequest?.body).has('client_id'),
    ).toBe(false);
  });

  it('accepts tokenUrl and apiBaseUrl overrides', () => {
    const o = presets.aspnetToken({
      baseUrl: 'https://sandbox.sample/app/',
      username: 'u',
      password: 'pw-asp',
      apiBaseUrl: 'https://sandbox.sample/app/v1/',
    });
    expect(o.baseUrl).toBe('https://sandbox.sample/app/v1/');
    expect(flowOf(o).cacheKeyParts[0]).toBe('https://sandbox.sample/Token');
    const custom = presets.aspnetToken({
      baseUrl: 'https://sandbox.sample/',
      tokenUrl: 'https://login.sample/oauth/Token',
      username: 'u',
      password: 'pw-asp',
    });
    expect(flowOf(custom).cacheKeyParts[0]).toBe('https://login.sample/oauth/Token');
  });
});

describe('presets with createAuthClients (end to end)', () => {
  it('all four presets fetch their API through the client', async () => {
    const clients = createAuthClients({
      alertsite: presets.alertsite({
        ...emulators.alertsite.credentials,
        baseUrl: emulators.alertsite.apiBaseUrl,
      }),
      klearstack: presets.klearstack({
        baseUrl: emulators.klearstack.origin,
        ...emulators.klearstack.credentials,
      }),
      opsramp: presets.opsramp({
        baseUrl: emulators.opsramp.origin,
        ...emulators.opsramp.credentials,
      }),
      aspnet: presets.aspnetToken({
        baseUrl: emulators.aspnet.origin,
        ...emulators.aspnet.credentials,
      }),
    });
    const statuses = await Promise.all([
      clients.alertsite.fetch('devices'),
      clients.klearstack.fetch('documents'),
      clients.opsramp.fetch('alerts/search'),
      clients.aspnet.fetch('me'),
    ]).then((responses) => responses.map((r) => r.status));
    expect(statuses).toEqual([200, 200, 200, 200]);
    for (const emulator of emulators.all.slice(0, 4)) expect(emulator.stats.tokenRequests).toBe(1);
  });
});
