import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createAuthClients, flows, presets } from '@auth/core';
import { EMULATOR_CREDENTIALS, type Emulators } from '@auth/testing';
import type Koa from 'koa';

/** Every credential the tests use: none may appear in a body, a log line or an error. */
export const SECRETS = [
  EMULATOR_CREDENTIALS.alertsite.password,
  ...EMULATOR_CREDENTIALS.opsramp.tenants.map((t) => t.clientSecret),
  'wrong-password-must-not-leak',
];

/** Fails when any secret appears in `printed` (strings, or values shown with `util.inspect`). */
export function expectNoSecret(...printed: unknown[]): void {
  for (const value of printed) {
    const text =
      typeof value === 'string' ? value : inspect(value, { depth: Number.POSITIVE_INFINITY });
    for (const secret of SECRETS) {
      if (text.includes(secret)) throw new Error(`secret leaked: ${text.slice(0, 500)}`);
    }
  }
}

/**
 * The registry every test uses (one shape, so `Register` in types.test.ts fits all):
 * `alertsite` (JSON login), `tenants` (client credentials chosen by tenant), `echo` (an API
 * that answers with the headers it received, behind AlertSite's login).
 */
export function createTestClients(
  emulators: Emulators,
  options: { echoUrl?: string; alertsitePassword?: string } = {},
) {
  const { alertsite, opsramp } = emulators;
  return createAuthClients({
    alertsite: presets.alertsite({
      baseUrl: alertsite.apiBaseUrl,
      username: alertsite.credentials.username,
      password: options.alertsitePassword ?? alertsite.credentials.password,
    }),
    tenants: {
      baseUrl: `${opsramp.origin}/`,
      flow: ({ tenant }) => {
        const credentials = opsramp.tenants.find((t) => t.tenantId === tenant);
        if (credentials === undefined) throw new Error('unknown tenant');
        return flows.clientCredentials({
          tokenUrl: opsramp.tokenUrl,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
        });
      },
    },
    echo: {
      baseUrl: options.echoUrl ?? 'http://127.0.0.1:9/',
      flow: flows.jsonCredentials({
        tokenUrl: alertsite.tokenUrl,
        username: alertsite.credentials.username,
        password: alertsite.credentials.password,
      }),
    },
  });
}

/** The registry type of {@link createTestClients}. */
export type TestClients = ReturnType<typeof createTestClients>;

/** A running HTTP server and its base URL (no trailing slash). */
export interface Running {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `app` on a free loopback port. */
export async function listen(app: Koa): Promise<Running> {
  const server = app.listen(0, '127.0.0.1');
  return serve(server);
}

async function serve(server: Server): Promise<Running> {
  if (!server.listening) await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An upstream API that answers every request with the headers it received. */
export async function startEcho(): Promise<Running & { received: IncomingHttpHeaders[] }> {
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, headers: req.headers }));
  });
  server.listen(0, '127.0.0.1');
  return { ...(await serve(server)), received };
}
