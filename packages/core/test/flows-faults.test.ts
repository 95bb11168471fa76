import { createServer } from 'node:http';
import { inspect } from 'node:util';
import {
  type Emulators,
  type FaultKind,
  type ProviderEmulator,
  resetEmulators,
  startEmulators,
} from '@auth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlowRequest, TokenFlow } from '../src/engine/token-flow.js';
import type { AuthErrorCode } from '../src/errors.js';
import { flows } from '../src/flows/index.js';
import { failure, request } from './support/flow-request.js';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());
afterEach(() => resetEmulators(emulators));

/** Every secret any test here uses, and every token a flow returned: none may ever be printed. */
const secrets = new Set<string>();
/** Every error and flow created here, printed every way at the end. */
const printed: unknown[] = [];

interface Case {
  name: string;
  emulator: () => ProviderEmulator;
  flow: () => TokenFlow;
}

const cases: Case[] = [
  {
    name: 'jsonCredentials',
    emulator: () => emulators.alertsite,
    flow: () =>
      flows.jsonCredentials({
        ...emulators.alertsite.credentials,
        tokenUrl: emulators.alertsite.tokenUrl,
      }),
  },
  {
    name: 'formCredentials',
    emulator: () => emulators.klearstack,
    flow: () => {
      const { username, password, companyName } = emulators.klearstack.credentials;
      return flows.formCredentials({
        tokenUrl: emulators.klearstack.tokenUrl,
        username,
        password,
        fields: { company_name: companyName },
      });
    },
  },
  {
    name: 'clientCredentials',
    emulator: () => emulators.opsramp,
    flow: () =>
      flows.clientCredentials({
        tokenUrl: emulators.opsramp.tokenUrl,
        clientId: emulators.opsramp.credentials.clientId,
        clientSecret: emulators.opsramp.credentials.clientSecret,
      }),
  },
  {
    name: 'passwordGrant',
    emulator: () => emulators.aspnet,
    flow: () =>
      flows.passwordGrant({ ...emulators.aspnet.credentials, tokenUrl: emulators.aspnet.tokenUrl }),
  },
];

const faults: { kind: FaultKind; code: AuthErrorCode; req?: () => Partial<FlowRequest> }[] = [
  { kind: 'down', code: 'TOKEN_ENDPOINT_UNREACHABLE' },
  {
    kind: 'slow',
    code: 'TOKEN_ENDPOINT_TIMEOUT',
    req: () => ({ signal: AbortSignal.timeout(200) }),
  },
  { kind: 'error500', code: 'TOKEN_ENDPOINT_REJECTED' },
  { kind: 'html', code: 'TOKEN_RESPONSE_NOT_JSON' },
  { kind: 'garbage', code: 'TOKEN_RESPONSE_NOT_JSON' },
  { kind: 'huge', code: 'TOKEN_RESPONSE_TOO_LARGE', req: () => ({ maxResponseBytes: 4_096 }) },
  { kind: 'missingField', code: 'TOKEN_RESPONSE_INVALID' },
];

describe.each(cases)('$name under token endpoint faults', ({ name, emulator, flow }) => {
  beforeAll(() => {
    const e = emulator() as ProviderEmulator & { credentials: Record<string, string> };
    for (const [key, value] of Object.entries(e.credentials)) {
      if (/password|secret/i.test(key)) secrets.add(value);
    }
  });

  it.each(faults)('$kind → $code, then recovers after fault(null)', async ({ kind, code, req }) => {
    const f = flow();
    printed.push(f);
    emulator().fault(kind);
    const started = Date.now();
    const error = await failure(f.requestToken(request(req?.())));
    printed.push(error);
    expect(error.code).toBe(code);
    expect(error.flow).toBe(name);
    if (kind === 'error500') {
      expect(error.status).toBe(500);
      expect(error.vendorMessage).toBe('Internal Server Error');
    }
    if (kind === 'html' || kind === 'garbage' || kind === 'missingField' || kind === 'huge') {
      expect(error.status).toBe(200);
    }
    if (kind === 'slow') expect(Date.now() - started).toBeLessThan(3_000);
    expect(emulator().stats.tokenAttempts).toBe(1);

    emulator().fault(null);
    const token = await f.requestToken(request());
    secrets.add(token.accessToken);
    if (token.refreshToken) secrets.add(token.refreshToken);
    expect(token.accessToken.length).toBeGreaterThan(0);
  });

  it('huge answers are refused at the default 64 KiB limit too', async () => {
    emulator().fault('huge');
    const error = await failure(flow().requestToken(request()));
    expect(error.code).toBe('TOKEN_RESPONSE_TOO_LARGE');
  });

  it('an endpoint nobody listens on → UNREACHABLE naming the cause', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const dead = new URL(emulator().tokenUrl);
    dead.port = String(port);
    const original = emulator().tokenUrl;
    const f = flowAt(name, dead.href, flow);
    const error = await failure(f.requestToken(request()));
    printed.push(error);
    expect(error.code).toBe('TOKEN_ENDPOINT_UNREACHABLE');
    expect(error.message).toContain('ECONNREFUSED');
    expect(original).not.toBe(dead.href);
  });

  it('an aborted signal → TIMEOUT without waiting', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(flow().requestToken(request({ signal: controller.signal })));
    expect(error.code).toBe('TOKEN_ENDPOINT_TIMEOUT');
  });
});

/** The same flow pointed at another URL (same credentials). */
function flowAt(name: string, tokenUrl: string, _flow: () => TokenFlow): TokenFlow {
  switch (name) {
    case 'jsonCredentials':
      return flows.jsonCredentials({ ...emulators.alertsite.credentials, tokenUrl });
    case 'formCredentials': {
      const { username, password } = emulators.klearstack.credentials;
      return flows.formCredentials({ username, password, tokenUrl });
    }
    case 'clientCredentials': {
      const { clientId, clientSecret } = emulators.opsramp.credentials;
      return flows.clientCredentials({ clientId, clientSecret, tokenUrl });
    }
    default:
      return flows.passwordGrant({ ...emulators.aspnet.credentials, tokenUrl });
  }
}

describe('response body limit', () => {
  it('stops reading a chunked body at the limit instead of buffering it all', async () => {
    let written = 0;
    let closedEarly = false;
    const chunk = `"${'x'.repeat(16 * 1024)}",`;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // no content-length: chunked
      res.write('{"access_token":"a","padding":[');
      const pump = () => {
        while (written < 50 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end('""]}');
      };
      res.on('close', () => {
        closedEarly = written < 50 * 1024 * 1024;
      });
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const f = flows.jsonCredentials({
        tokenUrl: `http://127.0.0.1:${port}/token`,
        username: 'u',
        password: 'chunk-secret',
      });
      const error = await failure(f.requestToken(request({ maxResponseBytes: 32 * 1024 })));
      expect(error.code).toBe('TOKEN_RESPONSE_TOO_LARGE');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(closedEarly).toBe(true);
      expect(written).toBeLessThan(10 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('secrets', () => {
  it('no secret or token appears in any message, JSON.stringify or util.inspect of errors and flows', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(8);
    expect(printed.length).toBeGreaterThan(20);
    for (const value of printed) {
      const texts = [
        String(value),
        value instanceof Error ? value.message : '',
        JSON.stringify(value) ?? '',
        inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
        inspect(value, { depth: Number.POSITIVE_INFINITY, getters: true }),
      ];
      for (const secret of secrets) {
        for (const text of texts) expect(text).not.toContain(secret);
      }
    }
  });
});
