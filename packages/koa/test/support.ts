import { type ClientRequest, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { inspect } from 'node:util';
import { createAuthClients, flows, presets } from '@auth/core';
import {
  EMULATOR_CREDENTIALS,
  type Emulators,
  type ListeningServer,
  listenOnFreePort,
  type ProviderEmulator,
} from '@auth/testing';
import type Koa from 'koa';
import { expect, vi } from 'vitest';

/** Every credential the tests use: none may appear in a body, a log line or an error. */
export const SECRETS = [
  EMULATOR_CREDENTIALS.alertsite.password,
  ...EMULATOR_CREDENTIALS.opsramp.tenants.map((t) => t.clientSecret),
  'wrong-password-must-not-leak',
];

/**
 * A check that fails when any of `secrets` appears in what it is given (strings, or values shown
 * with `util.inspect`).
 */
export function secretCheck(secrets: readonly string[]): (...printed: unknown[]) => void {
  return (...printed) => {
    for (const value of printed) {
      const text =
        typeof value === 'string' ? value : inspect(value, { depth: Number.POSITIVE_INFINITY });
      for (const secret of secrets) {
        if (text.includes(secret)) throw new Error(`secret leaked: ${text.slice(0, 500)}`);
      }
    }
  };
}

/** Fails when any of {@link SECRETS} appears in `printed`. */
export const expectNoSecret = secretCheck(SECRETS);

/**
 * The registry every test uses (one shape, so `Register` in types.test.ts fits all):
 * `alertsite` (JSON login), `tenants` (client credentials chosen by tenant), `echo` (an API
 * that answers with the headers it received, behind AlertSite's login).
 */
export function createTestClients(
  emulators: Emulators,
  options: { echoUrl?: string; alertsitePassword?: string; backoffMs?: number } = {},
) {
  const { alertsite, opsramp } = emulators;
  const backoffMs = options.backoffMs;
  return createAuthClients({
    alertsite: {
      ...presets.alertsite({
        baseUrl: alertsite.apiBaseUrl,
        username: alertsite.credentials.username,
        password: options.alertsitePassword ?? alertsite.credentials.password,
      }),
      ...(backoffMs === undefined ? {} : { backoff: { initialMs: backoffMs, maxMs: backoffMs } }),
    },
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
export type Running = ListeningServer;

/** Serves `app` on a free loopback port. */
export function listen(app: Koa): Promise<Running> {
  return listenOnFreePort(app.callback());
}

/** An upstream API that answers every request with the headers it received. */
export async function startEcho(): Promise<Running & { received: IncomingHttpHeaders[] }> {
  const received: IncomingHttpHeaders[] = [];
  const server = await listenOnFreePort((req, res) => {
    received.push(req.headers);
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, headers: req.headers }));
  });
  return { ...server, received };
}

/** GETs `path` of the server at `url` on its own connection, errors ignored: destroy it to play a client that leaves. */
export function openGet(url: string, path: string): ClientRequest {
  const { hostname, port } = new URL(url);
  const req = httpRequest({ host: hostname, port, path });
  req.on('error', () => {});
  req.end();
  return req;
}

/**
 * Plays a client that leaves mid-call: GETs `path`, waits until `upstream` has the API call, drops
 * the connection, then waits until `upstream` saw the call aborted. Resolves with the ms from
 * sending the request to that point.
 */
export async function leaveDuringUpstreamCall(
  url: string,
  path: string,
  upstream: ProviderEmulator,
): Promise<number> {
  const started = Date.now();
  const req = openGet(url, path);
  await vi.waitFor(() => expect(upstream.stats.apiCalls).toBe(1), { timeout: 5_000 });
  req.destroy();
  await vi.waitFor(() => expect(upstream.stats.abortedApiCalls).toBe(1), { timeout: 5_000 });
  return Date.now() - started;
}
