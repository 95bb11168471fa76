/**
 * The standards' options and engine rules without a server: option checks with their own
 * `option` names, subject tokens keyed and bounded in the manager (10,000 subjects), and bearer
 * calls untouched by DPoP.
 */
import { inspect } from 'node:util';
import { generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { resolveAdapterOptions } from '../src/adapter/adapter-options.js';
import { requestContext } from '../src/adapter/adapter-request-context.js';
import { createAuthClient, createAuthClients } from '../src/client/create-auth-clients.js';
import { MemoryTokenStore } from '../src/engine/memory-token-store.js';
import type { FlowRequest, TokenFlow } from '../src/engine/token-flow.js';
import { TokenManager } from '../src/engine/token-manager.js';
import { flows } from '../src/flows/index.js';
import { mutualTls } from '../src/node.js';
import { thrownConfigError } from './support/config-error.js';

const tokenUrl = 'https://idp.example.com/oauth/token';
const base = { tokenUrl, clientId: 'svc' };

describe('client authentication options', () => {
  it('names the offending option', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const cc = (options: Record<string, unknown>) =>
      thrownConfigError(() => flows.clientCredentials({ ...base, ...options } as never)).option;
    expect(cc({ auth: 'private_key_jwt' })).toBe('privateKey');
    expect(cc({ auth: 'client_secret_jwt' })).toBe('clientSecret');
    expect(cc({ clientSecret: 's', auth: 'client_secret_post', privateKey })).toBe('privateKey');
    expect(cc({ clientSecret: 's', auth: 'tls_client_auth' })).toBe('clientSecret');
    expect(cc({ privateKey: 'not a key' })).toBe('privateKey');
    expect(cc({ privateKey: { kty: 'RSA', n: 'x', e: 'AQAB' } })).toBe('privateKey');
    expect(cc({ privateKey, algorithm: 'none' })).toBe('algorithm');
    expect(cc({ privateKey, keyId: '' })).toBe('keyId');
    expect(cc({ auth: 'tls_client_auth', tls: { cert: 'x' } })).toBe('tls');
    expect(cc({ clientSecret: 's', auth: 'client_secret_jwt', algorithm: 'RS256' })).toBe(
      'algorithm',
    );
    expect(cc({ clientSecret: 's', dpop: 'yes' })).toBe('dpop');
    expect(cc({ clientSecret: 's', dpop: { privateKey } })).toBe('dpop');
    expect(thrownConfigError(() => mutualTls({ cert: 'x' } as never)).option).toBe('tls.key');
  });

  it('private_key_jwt is the default with a privateKey; mutual TLS sends no secret', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    expect(flows.clientCredentials({ ...base, privateKey }).id).toBe('clientCredentials');
    const flow = flows.clientCredentials({ ...base, auth: 'self_signed_tls_client_auth' });
    expect(flow.cacheKeyParts).toContain('svc');
  });

  it('token exchange and JWT bearer options', () => {
    const te = (options: Record<string, unknown>) =>
      thrownConfigError(() =>
        flows.tokenExchange({ ...base, clientSecret: 's', ...options } as never),
      ).option;
    expect(te({})).toBe('subjectTokenType');
    expect(te({ subjectTokenType: 'urn:x', audience: '' })).toBe('audience');
    const jb = (options: Record<string, unknown>) =>
      thrownConfigError(() => flows.jwtBearer({ tokenUrl, ...options } as never)).option;
    expect(jb({ assertion: 42 })).toBe('assertion');
    expect(jb({ assertion: { privateKey: 'x', issuer: 'i', subject: 's' } })).toBe(
      'assertion.privateKey',
    );
    expect(jb({ assertion: () => 'jwt', clientSecret: 's' })).toBe('clientId');
  });

  it('keys and secrets never print with the flow or the DPoP prover', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { exportJWK } = await import('jose');
    const jwk = await exportJWK(privateKey);
    const flow = flows.clientCredentials({ ...base, privateKey: jwk, dpop: true });
    for (const text of [inspect(flow, { depth: 10, showHidden: true }), JSON.stringify(flow)]) {
      expect(text).not.toContain(jwk.d);
    }
    expect(JSON.stringify(flow.dpop)).toBe('{"dpop":true}');
  });
});

/** An in-process token exchange: one token per subject token, counting requests. */
function exchangeFlow() {
  const seen: string[] = [];
  const flow: TokenFlow & { seen: string[] } = {
    id: 'tokenExchange',
    cacheKeyParts: ['https://idp.example.com/token'],
    defaultLifetimeSeconds: 300,
    usesSubjectToken: true,
    seen,
    async requestToken(request: FlowRequest) {
      seen.push(request.subjectToken as string);
      return { accessToken: `downstream-for-${seen.length}`, expiresIn: 300 };
    },
  };
  return flow;
}

function manager(flow: TokenFlow, maxCachedTenants: number, store = new MemoryTokenStore()) {
  return new TokenManager({
    flow,
    store,
    fetch,
    now: Date.now,
    tokenTimeoutMs: 1000,
    maxTokenResponseBytes: 1024,
    leaseTtlMs: 1000,
    maxCachedTenants,
  });
}

describe('subject tokens in the engine', () => {
  it('one entry and one token request per subject; never shared across subjects', async () => {
    const flow = exchangeFlow();
    const tokens = manager(flow, 100);
    const [a1, b1, a2, b2] = await Promise.all([
      tokens.getToken({ subjectToken: 'subject-a' }),
      tokens.getToken({ subjectToken: 'subject-b' }),
      tokens.getToken({ subjectToken: 'subject-a' }),
      tokens.getToken({ subjectToken: 'subject-b' }),
    ]);
    expect(flow.seen).toEqual(['subject-a', 'subject-b']);
    expect(a1.accessToken).toBe(a2.accessToken);
    expect(b1.accessToken).toBe(b2.accessToken);
    expect(a1.accessToken).not.toBe(b1.accessToken);
    expect(JSON.stringify(tokens.status())).not.toContain('subject-');
  });

  it('a flow without subject tokens ignores them: one shared entry', async () => {
    const flow = { ...exchangeFlow(), usesSubjectToken: false };
    const tokens = manager(flow, 100);
    await tokens.getToken({ subjectToken: 'subject-a' });
    await tokens.getToken({ subjectToken: 'subject-b' });
    expect(flow.seen).toHaveLength(1);
  });

  it('10,000 subjects stay within maxCachedTenants entries and the store bound', async () => {
    const flow = exchangeFlow();
    const store = new MemoryTokenStore({ maxEntries: 500 });
    const tokens = manager(flow, 500, store);
    for (let i = 0; i < 10_000; i++) {
      await tokens.getToken({ subjectToken: `subject-${i}` });
    }
    expect(flow.seen).toHaveLength(10_000);
    expect(tokens.status().length).toBeLessThanOrEqual(500);
    // The most recent subjects are still served from memory.
    await tokens.getToken({ subjectToken: 'subject-9999' });
    expect(flow.seen).toHaveLength(10_000);
  });

  it('withContext({ subjectToken }) never prints the subject token', () => {
    const client = createAuthClient({
      baseUrl: 'https://api.example.com',
      flow: exchangeFlow(),
    });
    const view = client.withContext({ subjectToken: 'subject-secret-42', tenant: 't' });
    expect(JSON.stringify(view)).not.toContain('subject-secret-42');
    expect(inspect(view, { depth: 10, showHidden: true })).not.toContain('subject-secret-42');
  });
});

describe('adapter option subjectToken', () => {
  const clients = createAuthClients({
    billing: { baseUrl: 'https://api.example.com', flow: exchangeFlow() },
  });
  const incoming = (authorization?: string) => ({
    request: { authorization },
    header: () => undefined,
  });

  it("puts the resolver's token into the request context; none when it returns nothing", () => {
    const options = resolveAdapterOptions<{ authorization?: string }>(clients, {
      subjectToken: (req: { authorization?: string }) => req.authorization?.replace(/^Bearer /, ''),
    });
    expect(requestContext(options, incoming('Bearer incoming-token')).subjectToken).toBe(
      'incoming-token',
    );
    expect(requestContext(options, incoming()).subjectToken).toBeUndefined();
    expect(requestContext(options, incoming('Bearer ')).subjectToken).toBeUndefined();
  });

  it('rejects a resolver that is not a function, or returns a non-string', () => {
    expect(
      thrownConfigError(() => resolveAdapterOptions(clients, { subjectToken: 'x' })).option,
    ).toBe('subjectToken');
    const options = resolveAdapterOptions<{ authorization?: string }>(clients, {
      subjectToken: () => 42 as unknown as string,
    });
    expect(() => requestContext(options, incoming())).toThrow(/subjectToken resolver/);
  });
});

describe('bearer calls with DPoP off', () => {
  it('send no DPoP header', async () => {
    const seen: Headers[] = [];
    const client = createAuthClient({
      baseUrl: 'https://api.example.com',
      flow: {
        id: 'plain',
        cacheKeyParts: [],
        defaultLifetimeSeconds: 60,
        requestToken: async () => ({ accessToken: 'plain-token', tokenType: 'Bearer' }),
      },
      fetch: async (_input, init) => {
        seen.push(new Headers(init?.headers));
        return new Response('ok');
      },
    });
    await client.fetch('x');
    expect(seen[0]?.get('authorization')).toBe('Bearer plain-token');
    expect(seen[0]?.has('dpop')).toBe(false);
  });
});
