import { createServer, type IncomingMessage, type Server } from 'node:http';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenFlow } from '../src/engine/token-flow.js';
import { AuthConfigError, TokenEndpointError } from '../src/errors.js';
import { createFlowContext } from '../src/flows/flow-context.js';
import { flows } from '../src/flows/index.js';
import { extractVendorError } from '../src/flows/read-token-body.js';
import { httpDate, jwtExpiresAt } from '../src/flows/token-fields.js';
import { isLoopbackHost } from '../src/shared/validate-options.js';
import { thrownConfigError } from './support/config-error.js';
import { request } from './support/flow-request.js';

const SECRET = 'super-secret-value-42';

/** Builds each flow with valid options plus `overrides`. */
const factories: Record<string, (overrides: Record<string, unknown>) => TokenFlow> = {
  jsonCredentials: (o) =>
    flows.jsonCredentials({
      tokenUrl: 'https://api.example.com/token',
      username: 'u',
      password: SECRET,
      ...o,
    } as Parameters<typeof flows.jsonCredentials>[0]),
  formCredentials: (o) =>
    flows.formCredentials({
      tokenUrl: 'https://api.example.com/token',
      username: 'u',
      password: SECRET,
      ...o,
    } as Parameters<typeof flows.formCredentials>[0]),
  clientCredentials: (o) =>
    flows.clientCredentials({
      tokenUrl: 'https://api.example.com/token',
      clientId: 'id',
      clientSecret: SECRET,
      ...o,
    } as Parameters<typeof flows.clientCredentials>[0]),
  passwordGrant: (o) =>
    flows.passwordGrant({
      tokenUrl: 'https://api.example.com/token',
      username: 'u',
      password: SECRET,
      ...o,
    } as Parameters<typeof flows.passwordGrant>[0]),
};

/** The `AuthConfigError` `build` throws, checked to carry its code and no secret. */
function configError(build: () => unknown): AuthConfigError {
  const error = thrownConfigError(build);
  expect(error.code).toBe('AUTH_CONFIG_INVALID');
  for (const text of [error.message, JSON.stringify(error), inspect(error)]) {
    expect(text).not.toContain(SECRET);
  }
  return error;
}

describe.each(Object.keys(factories))('%s option validation', (name) => {
  const build = factories[name] as (o: Record<string, unknown>) => TokenFlow;

  it('accepts https, loopback http, and http with allowInsecureHttp', () => {
    for (const tokenUrl of [
      'https://api.example.com/oauth/token',
      'http://localhost:8080/token',
      'http://127.0.0.1:9/token',
      'http://127.42.0.1/token',
      'http://[::1]:8080/token',
      new URL('https://api.example.com/token'),
    ]) {
      expect(build({ tokenUrl }).id).toBe(name);
    }
    expect(build({ tokenUrl: 'http://auth.internal/token', allowInsecureHttp: true }).id).toBe(
      name,
    );
  });

  it('rejects http to a non-loopback host, naming tokenUrl', () => {
    const error = configError(() => build({ tokenUrl: 'http://api.example.com/token' }));
    expect(error.option).toBe('tokenUrl');
    expect(error.message).toContain('https:');
    configError(() => build({ tokenUrl: 'http://127.0.0.1.example.com/token' }));
  });

  it('rejects a relative or non-http URL, naming tokenUrl', () => {
    expect(configError(() => build({ tokenUrl: '/oauth/token' })).option).toBe('tokenUrl');
    expect(configError(() => build({ tokenUrl: 'ftp://api.example.com/t' })).option).toBe(
      'tokenUrl',
    );
    expect(configError(() => build({ tokenUrl: 42 })).option).toBe('tokenUrl');
  });

  it('rejects credentials embedded in the URL without echoing them', () => {
    const error = configError(() => build({ tokenUrl: `https://u:${SECRET}@api.example.com/t` }));
    expect(error.option).toBe('tokenUrl');
  });

  it('rejects an empty or missing secret, naming it', () => {
    const secretOption = name === 'clientCredentials' ? 'clientSecret' : 'password';
    expect(configError(() => build({ [secretOption]: '' })).option).toBe(secretOption);
    expect(configError(() => build({ [secretOption]: undefined })).option).toBe(secretOption);
  });

  it('rejects a non-positive lifetime', () => {
    for (const lifetimeSeconds of [0, -5, Number.NaN, '60']) {
      expect(configError(() => build({ lifetimeSeconds })).option).toBe('lifetimeSeconds');
    }
  });

  it('keeps secrets out of the flow object', () => {
    const flow = build({});
    for (const text of [
      JSON.stringify(flow),
      inspect(flow, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      String(flow.cacheKeyParts),
    ]) {
      expect(text).not.toContain(SECRET);
    }
    expect(Object.isFrozen(flow)).toBe(true);
    expect(Object.isFrozen(flow.cacheKeyParts)).toBe(true);
  });
});

describe('flow-specific options', () => {
  it('formCredentials: fields must be strings and must not override username/password', () => {
    const build = factories.formCredentials as (o: Record<string, unknown>) => TokenFlow;
    expect(configError(() => build({ fields: { company_name: 5 } })).option).toBe(
      'fields.company_name',
    );
    expect(configError(() => build({ fields: { password: 'x' } })).option).toBe('fields.password');
    expect(configError(() => build({ refresh: { url: 'refresh' } })).option).toBe('refresh.url');
    expect(configError(() => build({ refresh: { field: '' } })).option).toBe('refresh.field');
  });

  it('formCredentials: cache key holds url, username and extra fields, not the password', () => {
    const flow = flows.formCredentials({
      tokenUrl: 'https://k.example.com/access/klearstack/get_access_token',
      username: 'analyst',
      password: SECRET,
      fields: { company_name: 'Acme' },
    });
    expect(flow.cacheKeyParts).toEqual([
      'https://k.example.com/access/klearstack/get_access_token',
      'analyst',
      'company_name=Acme',
    ]);
    expect(flow.defaultLifetimeSeconds).toBe(900);
    expect(typeof flow.refreshToken).toBe('function');
  });

  it('clientCredentials: exactly one of tokenUrl and issuer; valid auth', () => {
    const build = factories.clientCredentials as (o: Record<string, unknown>) => TokenFlow;
    expect(configError(() => build({ issuer: 'https://issuer.example.com' })).option).toBe(
      'tokenUrl',
    );
    expect(configError(() => build({ tokenUrl: undefined })).option).toBe('tokenUrl');
    expect(configError(() => build({ auth: 'magic_auth' })).option).toBe('auth');
    expect(configError(() => build({ clientId: '' })).option).toBe('clientId');
    expect(configError(() => build({ scope: ['a b'] })).option).toBe('scope');
    expect(
      build({ tokenUrl: undefined, issuer: 'https://issuer.example.com' }).cacheKeyParts[0],
    ).toBe('https://issuer.example.com/');
    expect(build({}).refreshToken).toBeUndefined();
  });

  it('passwordGrant: clientSecret needs clientId', () => {
    const build = factories.passwordGrant as (o: Record<string, unknown>) => TokenFlow;
    expect(configError(() => build({ clientSecret: 'x-secret' })).option).toBe('clientId');
    expect(build({ clientId: 'app' }).cacheKeyParts).toEqual([
      'https://api.example.com/token',
      'app',
      'u',
      '',
    ]);
  });
});

describe('helpers', () => {
  it('isLoopbackHost', () => {
    for (const host of ['localhost', 'api.localhost', '127.0.0.1', '127.255.1.2', '[::1]']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of ['example.com', '128.0.0.1', '10.0.0.1', '[::2]', 'localhost.example']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });

  it('jwtExpiresAt reads exp without verifying and ignores non-JWTs', () => {
    // UTF-8 payload with characters that make base64url use '-' and '_'.
    const payload = Buffer.from(JSON.stringify({ exp: 1656576038, sub: 'é>?~ü' })).toString(
      'base64url',
    );
    expect(payload).toMatch(/[-_]/);
    expect(jwtExpiresAt(`eyJhbGciOiJIUzI1NiJ9.${payload}.sig`)).toBe(1656576038000);
    expect(jwtExpiresAt('695573df9519132454d3f461179aaaf9')).toBeUndefined();
    expect(jwtExpiresAt('a.b.c')).toBeUndefined();
    expect(jwtExpiresAt(`x.${btoa('{"exp":"soon"}')}.y`)).toBeUndefined();
  });

  it('httpDate parses RFC 1123 dates', () => {
    expect(httpDate('Sun, 27 Sep 2020 09:35:33 GMT')).toBe(Date.UTC(2020, 8, 27, 9, 35, 33));
    expect(httpDate('not a date')).toBeUndefined();
    expect(httpDate(12)).toBeUndefined();
  });

  it('extractVendorError understands the vendors’ error bodies and redacts secrets', () => {
    const ctx = createFlowContext('t', new URL('https://x.example/t'), [SECRET]);
    expect(
      extractVendorError(ctx, '{"errors":[{"code":400,"message":"invalid_request - failed."}]}'),
    ).toEqual({ vendorCode: '400', vendorMessage: 'invalid_request - failed.' });
    expect(extractVendorError(ctx, '{"error":"invalid_grant","error_description":"Nope"}')).toEqual(
      { vendorCode: 'invalid_grant', vendorMessage: 'Nope' },
    );
    expect(extractVendorError(ctx, '{"detail":"Invalid credentials"}')).toEqual({
      vendorMessage: 'Invalid credentials',
    });
    expect(extractVendorError(ctx, '{"detail":[{"msg":"field required"},{"msg":"bad"}]}')).toEqual({
      vendorMessage: 'field required; bad',
    });
    expect(extractVendorError(ctx, '{"Message":"x"}')).toEqual({});
    expect(extractVendorError(ctx, '<html><body>502</body></html>')).toEqual({});
    const long = extractVendorError(ctx, `  Missing company_name ${'z'.repeat(500)}  `);
    expect(long.vendorMessage?.startsWith('Missing company_name')).toBe(true);
    expect(long.vendorMessage?.length).toBe(200);
    expect(extractVendorError(ctx, `bad password ${SECRET}`).vendorMessage).toBe(
      'bad password [redacted]',
    );
    expect(
      extractVendorError(ctx, `{"error":"x","error_description":"${encodeURIComponent(SECRET)}"}`)
        .vendorMessage,
    ).toBe('[redacted]');
  });
});

describe('response validation against a real local server', () => {
  let server: Server;
  let origin: string;
  let answer: (req: IncomingMessage) => { status: number; body: string; headers?: object };
  const hits: string[] = [];
  const bodies: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        const { status, body, headers } = answer(req);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const vendor = () =>
    flows.jsonCredentials({ tokenUrl: `${origin}/token`, username: 'u', password: SECRET });
  const oauth = () =>
    flows.clientCredentials({ tokenUrl: `${origin}/token`, clientId: 'c', clientSecret: SECRET });

  async function code(flow: TokenFlow): Promise<string> {
    const error = await flow.requestToken(request()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenEndpointError);
    for (const text of [String(error), JSON.stringify(error), inspect(error, { depth: 9 })]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('tok-123');
    }
    return (error as TokenEndpointError).code;
  }

  it.each([
    ['access_token of the wrong type', '{"access_token":42,"token_type":"bearer"}'],
    ['empty access_token', '{"access_token":"","token_type":"bearer"}'],
    ['non-bearer token_type', '{"access_token":"tok-123","token_type":"mac"}'],
    [
      'expires_in that is not a number',
      '{"access_token":"tok-123","token_type":"bearer","expires_in":"soon"}',
    ],
    ['negative expires_in', '{"access_token":"tok-123","token_type":"bearer","expires_in":-1}'],
    [
      'refresh_token of the wrong type',
      '{"access_token":"tok-123","token_type":"bearer","refresh_token":1}',
    ],
    ['a JSON array', '["tok-123"]'],
  ])('%s → TOKEN_RESPONSE_INVALID (vendor and openid-client flows)', async (_label, body) => {
    answer = () => ({ status: 200, body });
    expect(await code(vendor())).toBe('TOKEN_RESPONSE_INVALID');
    expect(await code(oauth())).toBe('TOKEN_RESPONSE_INVALID');
  });

  it('accepts expires_in as a numeric string and keeps unknown fields as extras', async () => {
    answer = () => ({
      status: 200,
      body: '{"access_token":"tok-123","token_type":"Bearer","expires_in":"60","note":"n"}',
    });
    const token = await vendor().requestToken(request());
    expect(token).toEqual({
      accessToken: 'tok-123',
      tokenType: 'Bearer',
      expiresIn: 60,
      extras: { note: 'n' },
    });
  });

  it('passwordGrant.refreshToken uses the refresh_token grant and keeps a non-rotated refresh token', async () => {
    answer = () =>
      bodies.at(-1)?.includes('grant_type=password')
        ? {
            status: 200,
            body: '{"access_token":"tok-123","token_type":"bearer","refresh_token":"rt-1"}',
          }
        : { status: 200, body: '{"access_token":"tok-456","token_type":"bearer","expires_in":60}' };
    const flow = flows.passwordGrant({
      tokenUrl: `${origin}/token`,
      username: 'u',
      password: SECRET,
    });
    const first = await flow.requestToken(request());
    expect(first.refreshToken).toBe('rt-1');
    const second = await flow.refreshToken?.('rt-1', request());
    expect(second).toMatchObject({ accessToken: 'tok-456', refreshToken: 'rt-1', expiresIn: 60 });
    expect(Object.fromEntries(new URLSearchParams(bodies.at(-1)))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
    });
  });

  it('does not follow redirects with credentials: REJECTED with the 3xx status', async () => {
    answer = (req) =>
      req.url === '/token'
        ? { status: 307, body: '', headers: { location: `${origin}/elsewhere` } }
        : { status: 200, body: '{"access_token":"tok-123","token_type":"bearer"}' };
    hits.length = 0;
    for (const flow of [vendor(), oauth()]) {
      const error = (await flow
        .requestToken(request())
        .catch((e: unknown) => e)) as TokenEndpointError;
      expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
      expect(error.status).toBe(307);
    }
    expect(hits).toEqual(['/token', '/token']);
  });

  it('a non-2xx HTML page is REJECTED (not NOT_JSON) without copying the page', async () => {
    answer = () => ({
      status: 502,
      body: '<html><body>Bad gateway</body></html>',
      headers: { 'content-type': 'text/html' },
    });
    for (const flow of [vendor(), oauth()]) {
      const error = (await flow
        .requestToken(request())
        .catch((e: unknown) => e)) as TokenEndpointError;
      expect(error.code).toBe('TOKEN_ENDPOINT_REJECTED');
      expect(error.status).toBe(502);
      expect(error.vendorMessage).toBeUndefined();
    }
  });
});
