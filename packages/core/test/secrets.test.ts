import { inspect } from 'node:util';
import { type AuthClientOptions, createAuthClients, flows, type TokenFlow } from '@auth/core';
import { type Emulators, type FaultKind, startEmulators } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());

/** Everything a user could print: message, JSON, inspect (with the cause chain), String(). */
function printed(value: unknown): string {
  const parts = [inspect(value, { depth: 10, showHidden: false }), String(value)];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    // circular structures are not JSON: inspect above already covers them
  }
  if (value instanceof Error) parts.push(value.message, value.stack ?? '');
  return parts.join('\n');
}

describe('no secret or token in any output', () => {
  it('holds across clients, tokens, flows, errors and logs of every flow', async () => {
    const logged: unknown[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args) => logged.push(...args));
    }
    const { alertsite, klearstack, opsramp, aspnet } = emulators;
    const [tenant] = opsramp.tenants;
    if (!tenant) throw new Error('emulator has no tenants');
    const good: Record<string, TokenFlow> = {
      alertsite: flows.jsonCredentials({ tokenUrl: alertsite.tokenUrl, ...alertsite.credentials }),
      klearstack: flows.formCredentials({
        tokenUrl: klearstack.tokenUrl,
        username: klearstack.credentials.username,
        password: klearstack.credentials.password,
        fields: { company_name: klearstack.credentials.companyName },
      }),
      opsramp: flows.clientCredentials({
        tokenUrl: opsramp.tokenUrl,
        clientId: tenant.clientId,
        clientSecret: tenant.clientSecret,
      }),
      aspnet: flows.passwordGrant({ tokenUrl: aspnet.tokenUrl, ...aspnet.credentials }),
    };
    const wrong: Record<string, TokenFlow> = {
      alertsite: flows.jsonCredentials({
        tokenUrl: alertsite.tokenUrl,
        username: alertsite.credentials.username,
        password: 'wrong-alertsite-secret',
      }),
      opsramp: flows.clientCredentials({
        tokenUrl: opsramp.tokenUrl,
        clientId: tenant.clientId,
        clientSecret: 'wrong-opsramp-secret',
      }),
      aspnet: flows.passwordGrant({
        tokenUrl: aspnet.tokenUrl,
        username: aspnet.credentials.username,
        password: 'wrong-aspnet-secret',
      }),
    };
    const secrets = [
      alertsite.credentials.password,
      klearstack.credentials.password,
      tenant.clientSecret,
      aspnet.credentials.password,
      'wrong-alertsite-secret',
      'wrong-opsramp-secret',
      'wrong-aspnet-secret',
    ];
    const outputs: string[] = [];
    const apiOf = { alertsite, klearstack, opsramp, aspnet } as const;
    const definitions = Object.fromEntries(
      Object.entries(good).map(([name, flow]) => [
        name,
        { baseUrl: apiOf[name as keyof typeof apiOf].apiBaseUrl, flow } satisfies AuthClientOptions,
      ]),
    );
    const clients = createAuthClients(definitions);
    for (const name of clients.names) {
      const client = clients[name];
      if (!client) continue;
      const token = await client.getToken();
      secrets.push(token.accessToken);
      if (token.refreshToken) secrets.push(token.refreshToken);
      outputs.push(printed(token), printed(client), printed(good[name]), printed(clients));
    }
    for (const [name, flow] of Object.entries(wrong)) {
      const failing = createAuthClients({
        [name]: { baseUrl: apiOf[name as keyof typeof apiOf].apiBaseUrl, flow },
      });
      const error = await failing[name]?.getToken().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TOKEN_ENDPOINT_REJECTED' });
      outputs.push(printed(error), printed(flow));
    }
    const faults: FaultKind[] = ['down', 'error500', 'html', 'garbage', 'huge', 'missingField'];
    for (const fault of faults) {
      for (const provider of [alertsite, opsramp]) {
        provider.fault(fault);
        const flow = provider === alertsite ? wrong.alertsite : wrong.opsramp;
        const failing = createAuthClients({
          x: { baseUrl: provider.apiBaseUrl, flow: flow as TokenFlow },
        });
        const error = await failing.x.getToken().catch((e: unknown) => e);
        expect(error).toHaveProperty('code');
        outputs.push(printed(error));
        provider.fault(null);
      }
    }
    outputs.push(...logged.map((entry) => printed(entry)));
    vi.restoreAllMocks();
    const everything = outputs.join('\n');
    for (const secret of secrets) {
      expect(everything.includes(secret), `a secret of length ${secret.length} leaked`).toBe(false);
    }
    expect(outputs.length).toBeGreaterThan(20);
  });
});
