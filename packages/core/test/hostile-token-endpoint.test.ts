import { inspect } from 'node:util';
import { AuthConfigError, createAuthClients, flows, type TokenFlow } from '@auth/core';
import { type Emulators, type FaultKind, startEmulators } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecordedRequest, startApi } from './support/api-server.js';
import { request } from './support/flow-request.js';

/**
 * A token endpoint played by an attacker or a careless provider, on loopback: it echoes the
 * request back in every encoding, hands out header-breaking tokens, absurd lifetimes and
 * prototype keys. Each promise of DESIGN §6/§8 is checked against it.
 */

const PASSWORDS = [
  'pass word\twith\nnewline  double',
  'quo"te\\back\\slash"Zq',
  'plus+amp&eq=pct%25Xy',
  'ünïcødé-€-密码-Wv9',
  '  leading and trailing  Kp',
];

type Echo = (req: RecordedRequest) => string;
/** Ways a server echoes what it was sent. */
const ECHOES: Record<string, Echo> = {
  rawBody: (req) => req.body,
  jsonOfBody: (req) => JSON.stringify(req.body),
  decodedForm: (req) => [...new URLSearchParams(req.body).values()].join(' '),
  parsedJson: (req) => {
    try {
      return Object.values(JSON.parse(req.body) as Record<string, string>).join(' | ');
    } catch {
      return '';
    }
  },
  unicodeEscaped: (req) =>
    JSON.stringify(req.body).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
  collapsed: (req) =>
    [...new URLSearchParams(req.body).values(), req.body].join(' ').replace(/\s+/g, ' '),
  basicHeader: (req) => req.headers.authorization ?? '',
  decodedBasic: (req) =>
    Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString(),
  truncated: (req) => req.body.slice(0, 37),
};

/** Error body formats the flows parse (vendor code and message). */
const BODIES: Record<string, (echo: string) => string> = {
  rfc6749: (echo) => JSON.stringify({ error: 'invalid_client', error_description: echo }),
  alertsite: (echo) => JSON.stringify({ errors: [{ code: 'bad', message: echo }] }),
  text: (echo) => `Internal error: ${echo}`,
  detail: (echo) => JSON.stringify({ detail: [{ msg: echo }] }),
};

let mode = { echo: 'rawBody', body: 'rfc6749', status: 400 };
let hostile: Awaited<ReturnType<typeof startApi>>;
let tokenAnswer: () => { status: number; body: string } = () => ({ status: 500, body: '' });

beforeAll(async () => {
  hostile = await startApi((req, res) => {
    if (req.path === '/echo') {
      const echo = ECHOES[mode.echo]?.(req) ?? '';
      res.statusCode = mode.status;
      res.setHeader('content-type', mode.body === 'text' ? 'text/plain' : 'application/json');
      res.end(BODIES[mode.body]?.(echo));
      return;
    }
    const answer = tokenAnswer();
    res.statusCode = answer.status;
    res.setHeader('content-type', 'application/json');
    res.end(answer.body);
  });
});
afterAll(() => hostile.close());

function flowsWith(tokenUrl: string, secret: string): Record<string, TokenFlow> {
  return {
    jsonCredentials: flows.jsonCredentials({ tokenUrl, username: 'user', password: secret }),
    formCredentials: flows.formCredentials({
      tokenUrl,
      username: 'user',
      password: secret,
      fields: { company_name: 'Acme' },
    }),
    clientCredentialsPost: flows.clientCredentials({
      tokenUrl,
      clientId: 'client-id',
      clientSecret: secret,
    }),
    clientCredentialsBasic: flows.clientCredentials({
      tokenUrl,
      clientId: 'client-id',
      clientSecret: secret,
      auth: 'client_secret_basic',
    }),
    passwordGrant: flows.passwordGrant({
      tokenUrl,
      username: 'user',
      password: secret,
      clientId: 'client-id',
      clientSecret: `${secret}~9Qx#`,
      auth: 'client_secret_basic',
    }),
  };
}

/** Every printable view of an error and its cause chain. */
function printedError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    parts.push(String(current), inspect(current, { depth: 10, showHidden: true }));
    parts.push(JSON.stringify(current) ?? '');
    if (current instanceof Error) parts.push(current.message, current.stack ?? '');
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

/** No run of 6 or more of the secret's characters in `text`. */
function leakedRun(secret: string, text: string): string | undefined {
  for (let i = 0; i + 6 <= secret.length; i++) {
    const run = secret.slice(i, i + 6);
    if (text.includes(run)) return run;
  }
  return undefined;
}

describe('secrets echoed by a hostile token endpoint', () => {
  // 1,800 real requests: generous on a busy 2-core CI machine.
  it('never survive in an error, in any encoding, for every flow, body format and status', {
    timeout: 120_000,
  }, async () => {
    const leaks: string[] = [];
    let cases = 0;
    for (const password of PASSWORDS) {
      const secrets = [password, `${password}~9Qx#`];
      for (const [flowName, flow] of Object.entries(flowsWith(`${hostile.url}echo`, password))) {
        for (const echo of Object.keys(ECHOES)) {
          for (const body of Object.keys(BODIES)) {
            for (const status of [400, 500]) {
              mode = { echo, body, status };
              const error = await flow.requestToken(request()).then(
                () => new Error('resolved'),
                (e: unknown) => e,
              );
              cases += 1;
              expect(error).toMatchObject({ code: 'TOKEN_ENDPOINT_REJECTED', status });
              const text = printedError(error);
              for (const secret of secrets) {
                const run = leakedRun(secret, text);
                if (run)
                  leaks.push(`${flowName}/${echo}/${body}/${status}: ${JSON.stringify(run)}`);
              }
            }
          }
        }
      }
    }
    expect(leaks.slice(0, 40)).toEqual([]);
    expect(cases).toBe(PASSWORDS.length * 5 * Object.keys(ECHOES).length * 4 * 2);
  });
});

describe('secrets under every emulator fault', () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators();
  });
  afterAll(() => emulators.close());

  it('never appear, whatever the password holds', { timeout: 120_000 }, async () => {
    const faults: FaultKind[] = [
      'down',
      'slow',
      'error500',
      'html',
      'garbage',
      'huge',
      'missingField',
    ];
    const leaks: string[] = [];
    for (const fault of faults) {
      for (const emulator of [
        emulators.alertsite,
        emulators.klearstack,
        emulators.opsramp,
        emulators.aspnet,
      ])
        emulator.fault(fault);
      for (const password of PASSWORDS) {
        const { alertsite, klearstack, opsramp, aspnet } = emulators;
        const candidates: TokenFlow[] = [
          flows.jsonCredentials({ tokenUrl: alertsite.tokenUrl, username: 'u', password }),
          flows.formCredentials({ tokenUrl: klearstack.tokenUrl, username: 'u', password }),
          flows.clientCredentials({
            tokenUrl: opsramp.tokenUrl,
            clientId: 'c',
            clientSecret: password,
          }),
          flows.passwordGrant({ tokenUrl: aspnet.tokenUrl, username: 'u', password }),
        ];
        for (const flow of candidates) {
          const error = await flow
            .requestToken(request({ signal: AbortSignal.timeout(200) }))
            .catch((e: unknown) => e);
          const run = leakedRun(password, printedError(error));
          if (run) leaks.push(`${flow.id}/${fault}: ${JSON.stringify(run)}`);
        }
      }
    }
    for (const emulator of [
      emulators.alertsite,
      emulators.klearstack,
      emulators.opsramp,
      emulators.aspnet,
    ])
      emulator.fault(null);
    expect(leaks).toEqual([]);
  });
});

describe('hostile token values', () => {
  const json = (value: unknown) => () => ({ status: 200, body: JSON.stringify(value) });
  const cases: [string, () => { status: number; body: string }][] = [
    ['CR/LF in the token', json({ access_token: 'abc\r\nX-Injected: 1', token_type: 'bearer' })],
    ['NUL in the token', json({ access_token: 'abc\u0000def', token_type: 'bearer' })],
    ['a space in the token', json({ access_token: 'abc def', token_type: 'bearer' })],
    ['non-Latin-1 in the token', json({ access_token: 'tok€n-密', token_type: 'bearer' })],
    ['a number as token', json({ access_token: 12345, token_type: 'bearer' })],
    ['an object as token', json({ access_token: { a: 1 }, token_type: 'bearer' })],
    [
      'expires_in 8.6e12 s',
      json({ access_token: 'ok-token', token_type: 'bearer', expires_in: 8.64e12 }),
    ],
    [
      'expires_in 1e300',
      json({ access_token: 'ok-token', token_type: 'bearer', expires_in: 1e300 }),
    ],
    [
      'negative expires_in',
      json({ access_token: 'ok-token', token_type: 'bearer', expires_in: -5 }),
    ],
    [
      'expires_in "soon"',
      json({ access_token: 'ok-token', token_type: 'bearer', expires_in: 'soon' }),
    ],
    [
      '.expires in year 275000',
      json({
        access_token: 'ok-token',
        token_type: 'bearer',
        '.expires': 'Sat, 01 Jan 275000 00:00:00 GMT',
      }),
    ],
  ];

  for (const [name, answer] of cases) {
    it(`refuses ${name}: TOKEN_RESPONSE_INVALID, nothing cached, printing never throws`, async () => {
      tokenAnswer = answer;
      for (const flow of [
        flows.jsonCredentials({
          tokenUrl: `${hostile.url}token`,
          username: 'u',
          password: 'p4ssw0rd',
        }),
        flows.clientCredentials({
          tokenUrl: `${hostile.url}token`,
          clientId: 'c',
          clientSecret: 's3cret',
        }),
        flows.passwordGrant({
          tokenUrl: `${hostile.url}token`,
          username: 'u',
          password: 'p4ssw0rd',
        }),
      ]) {
        const clients = createAuthClients({ api: { baseUrl: hostile.url, flow } });
        const error = await clients.api.getToken().catch((e: unknown) => e);
        expect(error, `${flow.id}: ${String(error)}`).toMatchObject({
          code: 'TOKEN_RESPONSE_INVALID',
        });
        expect(() => printedError(error)).not.toThrow();
        expect(printedError(error)).not.toContain('abc');
        expect(clients.status()).toMatchObject([{ state: 'failing', failures: 1 }]);
        expect(clients.status()[0]?.expiresInMs).toBeUndefined();
      }
    });
  }

  it('keeps a __proto__ key as plain data, never as a prototype', async () => {
    tokenAnswer = () => ({
      status: 200,
      body: '{"access_token":"fine-token","token_type":"bearer","expires_in":60,"__proto__":{"polluted":true},"scope":"a"}',
    });
    const flow = flows.clientCredentials({
      tokenUrl: `${hostile.url}token`,
      clientId: 'c',
      clientSecret: 's3cret',
    });
    const token = await createAuthClients({ api: { baseUrl: hostile.url, flow } }).api.getToken();
    expect(token.extras.scope).toBe('a');
    expect((token.extras as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(() => printedError(token)).not.toThrow();
  });
});

describe('a provider that hands back its cached token with a shrinking expires_in', () => {
  it('fails no call, down to expires_in 0', { timeout: 120_000 }, async () => {
    let now = Date.UTC(2026, 5, 1);
    let current: { token: string; expiresAt: number } | undefined;
    let issued = 0;
    let apiFailures = 0;
    const server = await startApi((req, res) => {
      if (req.path === '/token') {
        if (current === undefined || now >= current.expiresAt) {
          issued += 1;
          current = { token: `cached-${issued}`, expiresAt: now + 10_000 };
        }
        const left = Math.floor((current.expiresAt - now) / 1000);
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ access_token: current.token, token_type: 'bearer', expires_in: left }),
        );
        return;
      }
      const ok =
        current !== undefined &&
        req.authorization === `Bearer ${current.token}` &&
        now < current.expiresAt;
      if (!ok) apiFailures += 1;
      res.statusCode = ok ? 200 : 401;
      res.end('{}');
    });
    try {
      const clients = createAuthClients({
        api: {
          baseUrl: server.url,
          flow: flows.clientCredentials({
            tokenUrl: `${server.url}token`,
            clientId: 'c',
            clientSecret: 's3cret',
          }),
          now: () => now,
        },
      });
      let failed = 0;
      for (let step = 0; step < 600; step++) {
        const statuses = await Promise.all(
          Array.from({ length: 5 }, () => clients.api.fetch('data').then((r) => r.status)),
        );
        failed += statuses.filter((s) => s !== 200).length;
        now += 100;
      }
      expect(failed).toBe(0);
      expect(issued).toBeGreaterThanOrEqual(6); // 60 s of 10 s tokens
      expect(apiFailures).toBeLessThanOrEqual(issued * 5); // each 401 was renewed and retried
    } finally {
      await server.close();
    }
  });
});

describe('transport rules', () => {
  it('refuses an http: baseUrl at a non-loopback host unless allowInsecureHttp', () => {
    const flow = flows.jsonCredentials({
      tokenUrl: `${hostile.url}token`,
      username: 'u',
      password: 'p4ssw0rd',
    });
    const create = (extra: object) =>
      createAuthClients({ api: { baseUrl: 'http://api.example.com/', flow, ...extra } });
    expect(() => create({})).toThrow(AuthConfigError);
    expect(() => create({})).toThrow(/clients\.api\.baseUrl.*https:/);
    expect(() => create({ allowInsecureHttp: true })).not.toThrow();
    expect(() =>
      createAuthClients({
        api: { baseUrl: hostile.url, flow, allowedOrigins: ['http://files.example.com'] },
      }),
    ).toThrow(/allowedOrigins\[0\]/);
  });

  it('refuses user-info in every URL option, without echoing the password', () => {
    const password = 'hunter2-in-url';
    const attempts = [
      () =>
        flows.jsonCredentials({
          tokenUrl: `https://u:${password}@auth.example.com/t`,
          username: 'u',
          password: 'p4ssw0rd',
        }),
      () =>
        flows.clientCredentials({
          issuer: `https://u:${password}@auth.example.com`,
          clientId: 'c',
          clientSecret: 's3cret',
        }),
      () =>
        createAuthClients({
          api: {
            baseUrl: `https://u:${password}@api.example.com/`,
            flow: flows.jsonCredentials({
              tokenUrl: `${hostile.url}token`,
              username: 'u',
              password: 'p4ssw0rd',
            }),
          },
        }),
    ];
    for (const attempt of attempts) {
      const error = (() => {
        try {
          attempt();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(AuthConfigError);
      expect(printedError(error)).not.toContain(password);
    }
  });

  it('refuses a discovered token_endpoint on plain http: at a non-loopback host', async () => {
    let tokenRequests = 0;
    const issuer = await startApi((req, res) => {
      if (req.path.startsWith('/.well-known/')) {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            issuer: issuer.origin,
            token_endpoint: 'http://auth.example.com/token',
          }),
        );
        return;
      }
      tokenRequests += 1;
      res.end('{}');
    });
    try {
      const flow = flows.clientCredentials({
        issuer: issuer.origin,
        clientId: 'c',
        clientSecret: 's3cret',
      });
      const error = await flow.requestToken(request()).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TOKEN_RESPONSE_INVALID' });
      expect(String((error as Error).message)).toMatch(/token_endpoint.*refused.*http:/);
      expect(tokenRequests).toBe(0);
    } finally {
      await issuer.close();
    }
  });
});
