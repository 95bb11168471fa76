import { describe, expect, it } from 'vitest';
import { createAuthClient, createAuthClients } from '../src/client/create-auth-clients.js';
import { flows } from '../src/flows/index.js';
import { presets } from '../src/presets/index.js';
import { thrownConfigError } from './support/config-error.js';

const tokenUrl = 'https://id.example.com/token';
const secret = 'option-keys-s3cret';

describe('unknown option keys fail at construction, naming the key and the nearest known one', () => {
  it('in every flow', () => {
    const cases = [
      () => flows.clientCredentials({ tokenUrl, clientId: 'c', clientSecert: secret } as never),
      () =>
        flows.passwordGrant({ tokenUrl, username: 'u', password: secret, scopes: 'a' } as never),
      () =>
        flows.jsonCredentials({ tokenUrl, username: 'u', password: secret, lifetime: 1 } as never),
      () =>
        flows.formCredentials({ tokenUrl, username: 'u', password: secret, field: {} } as never),
    ];
    const errors = cases.map((build) => thrownConfigError(build));
    expect(errors.map((e) => e.option)).toEqual(['clientSecert', 'scopes', 'lifetime', 'field']);
    expect(errors.map((e) => e.message)).toEqual([
      'Invalid option "clientSecert": unknown option; did you mean "clientSecret"?',
      'Invalid option "scopes": unknown option; did you mean "scope"?',
      'Invalid option "lifetime": unknown option; did you mean "lifetimeSeconds"?',
      'Invalid option "field": unknown option; did you mean "fields"?',
    ]);
    for (const error of errors) expect(error.code).toBe('AUTH_CONFIG_INVALID');
  });

  it('in a preset, named with its client', () => {
    const error = thrownConfigError(() =>
      createAuthClients({
        ops: presets.opsramp({
          baseUrl: 'https://acme.api.opsramp.com/',
          tenantId: 't',
          clientId: 'c',
          clientSecert: secret,
        } as never),
      }),
    );
    expect(error.option).toBe('clients.ops.clientSecert');
    expect(error.message).toContain('did you mean "clientSecret"?');
    expect(error.message).not.toContain(secret);
  });

  it('in client options, for createAuthClients and createAuthClient', () => {
    const flow = flows.clientCredentials({ tokenUrl, clientId: 'c', clientSecret: secret });
    const options = { baseUrl: 'https://api.example.com/', flow, timeoutMS: 5 } as never;
    const inRegistry = thrownConfigError(() => createAuthClients({ billing: options }));
    expect(inRegistry.option).toBe('clients.billing.timeoutMS');
    expect(inRegistry.message).toContain('did you mean "timeoutMs"?');
    expect(thrownConfigError(() => createAuthClient(options)).option).toBe('client.timeoutMS');
  });

  it('accepts every documented option of a preset', () => {
    const clients = createAuthClients({
      ops: presets.opsramp({
        baseUrl: 'https://acme.api.opsramp.com/',
        tenantId: 't',
        clientId: 'c',
        clientSecret: secret,
        scope: 'global:read',
        timeoutMs: 1000,
        allowInsecureHttp: false,
      }),
    });
    expect(clients.names).toEqual(['ops']);
  });
});

describe('preset baseUrl: one meaning, or an error that says which URL was expected', () => {
  const login = { username: 'u', password: secret };
  it.each([
    [
      'klearstack',
      () =>
        presets.klearstack({ ...login, companyName: 'A', baseUrl: 'https://k.example.com/api/' }),
    ],
    [
      'opsramp',
      () =>
        presets.opsramp({
          baseUrl: 'https://o.example.com/api/v2/tenants/t/',
          tenantId: 't',
          clientId: 'c',
          clientSecret: secret,
        }),
    ],
    ['aspnet', () => presets.aspnetToken({ ...login, baseUrl: 'https://a.example.com/api' })],
  ])('%s refuses the API base where the server root is expected', (name, build) => {
    const error = thrownConfigError(() => createAuthClients({ [name]: build() }));
    expect(error.option).toBe(`clients.${name}.baseUrl`);
    expect(error.message).toMatch(
      /expected the server root \(e\.g\. "https:\/\/.+"\), got the API base/,
    );
  });

  it('alertsite refuses a server root where the API base is expected', () => {
    const error = thrownConfigError(() =>
      createAuthClients({
        alertsite: presets.alertsite({ ...login, baseUrl: 'https://api.alertsite.com' }),
      }),
    );
    expect(error.option).toBe('clients.alertsite.baseUrl');
    expect(error.message).toContain('expected the Management API base');
  });
});
