import type { AddressInfo } from 'node:net';
import { createAuthClients, flows, presets } from '@auth/core';
import type { Emulators } from '@auth/testing';
import { serve } from '@hono/node-server';

/** An outbound request as the clients sent it. */
export interface Outbound {
  url: string;
  headers: Headers;
}

/**
 * Clients of the emulators: `alertsite` (JSON login) and `tenants` (OpsRamp client credentials
 * chosen by the request's tenant). Every outbound request is recorded in `outbound`.
 */
export function emulatorClients(
  emulators: Emulators,
  options: { outbound?: Outbound[]; alertsitePassword?: string; backoffMs?: number } = {},
) {
  const outbound = options.outbound ?? [];
  const recording: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    outbound.push({ url, headers: new Headers(init?.headers) });
    return fetch(input, init);
  };
  const { username, password } = emulators.alertsite.credentials;
  return createAuthClients({
    alertsite: {
      ...presets.alertsite({
        username,
        password: options.alertsitePassword ?? password,
        baseUrl: emulators.alertsite.apiBaseUrl,
        fetch: recording,
      }),
      ...(options.backoffMs === undefined
        ? {}
        : { backoff: { initialMs: options.backoffMs, maxMs: options.backoffMs } }),
    },
    tenants: {
      baseUrl: `${emulators.opsramp.origin}/`,
      fetch: recording,
      flow: ({ tenant }) => {
        const credentials = emulators.opsramp.tenants.find((t) => t.tenantId === tenant);
        if (credentials === undefined) throw new Error(`no credentials for tenant ${tenant}`);
        return flows.clientCredentials({
          tokenUrl: emulators.opsramp.tokenUrl,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
        });
      },
    },
  });
}

/** The emulated tenants' upstream path. */
export function tenantAlerts(tenant: string): string {
  return `api/v2/tenants/${tenant}/alerts/search`;
}

/** Serves `fetch` with @hono/node-server on a free loopback port. */
export function listen(
  fetchHandler: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${(info as AddressInfo).port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
  });
}
