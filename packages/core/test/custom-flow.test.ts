/**
 * The custom-flow recipe of docs/custom-flow.md (the same code as ./support/acme-flow.ts, checked
 * below) against a loopback "Acme" token endpoint, through `checkTokenFlow` of `@auth/testing`;
 * and `checkTokenFlow` catching flows that break the rules.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CheckTokenFlowOptions, checkTokenFlow } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenManager } from '../src/adapter.js';
import type { TokenFlow } from '../src/engine/token-flow.js';
import { MemoryTokenStore } from '../src/index.js';
import { acmeFlow } from './support/acme-flow.js';

const API_KEY = 'acme-key-5e1f0c';
let server: Server;
let tokenUrl: string;
let issued = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.headers['x-api-key'] !== API_KEY) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"message":"bad key"}');
      return;
    }
    issued += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: `acme-token-${issued}-9b7d`, ttl: 600 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const engine = { TokenManager, MemoryTokenStore };

describe('custom flow recipe', () => {
  it('is the code docs/custom-flow.md shows, in at most 20 lines', () => {
    const code = readFileSync(new URL('./support/acme-flow.ts', import.meta.url), 'utf8');
    const doc = readFileSync(new URL('../../../docs/custom-flow.md', import.meta.url), 'utf8');
    expect(doc).toContain(code);
    const body = code.slice(code.indexOf('export function'));
    expect(body.trimEnd().split('\n').length).toBeLessThanOrEqual(20);
  });

  it('passes checkTokenFlow: 1 token request for 20 callers, 1 more after expiry, typed errors', async () => {
    const before = issued;
    const report = await checkTokenFlow({
      flow: acmeFlow({ tokenUrl, apiKey: API_KEY }),
      failingFlow: acmeFlow({ tokenUrl, apiKey: 'wrong-key-71aa' }),
      secrets: [API_KEY, 'wrong-key-71aa'],
      ...engine,
    });
    expect(report).toEqual({
      tokenRequests: 2,
      lifetimeMs: 600_000,
      failureCode: 'TOKEN_ENDPOINT_REJECTED',
    });
    expect(issued - before).toBe(2);
  });
});

describe('checkTokenFlow catches broken flows', () => {
  const base = acmeFlow({ tokenUrl: 'http://127.0.0.1:9/token', apiKey: API_KEY });
  const flow = (overrides: Partial<TokenFlow>): TokenFlow => ({
    ...base,
    id: 'broken',
    cacheKeyParts: ['x'],
    defaultLifetimeSeconds: 60,
    requestToken: async () => ({ accessToken: 'broken-token-1', expiresIn: 60 }),
    ...overrides,
  });
  const problems = (options: Partial<CheckTokenFlowOptions<TokenFlow, MemoryTokenStore>>) =>
    checkTokenFlow({ flow: flow({}), secrets: [API_KEY], ...engine, ...options }).then(
      () => '',
      (error: Error) => error.message,
    );

  it('a secret in cacheKeyParts or in the error, an untyped error', async () => {
    expect(await problems({ flow: flow({ cacheKeyParts: [API_KEY] }) })).toMatch(/cacheKeyParts/);
    const untyped = flow({
      requestToken: async () => {
        throw new Error(`login failed for ${API_KEY}`);
      },
    });
    const message = await problems({ failingFlow: untyped });
    expect(message).toMatch(/errors typed/);
    expect(message).toMatch(/1 secret\(s\) printed/);
    expect(message).not.toContain(API_KEY);
  });

  it('a flow that keeps its last token (and prints it)', async () => {
    const leaky: TokenFlow & { lastToken?: string } = flow({
      async requestToken() {
        leaky.lastToken = 'broken-token-1';
        return { accessToken: 'broken-token-1', expiresIn: 60 };
      },
    });
    expect(await problems({ flow: leaky })).toMatch(/access token appears/);
  });

  it('a flow that does not tell its lifetime the way the engine reads it still passes', async () => {
    expect(
      await problems({ flow: flow({ requestToken: async () => ({ accessToken: 'no-expiry' }) }) }),
    ).toBe('');
  });
});
