/**
 * Tour rows for code that calls out through axios (`@auth/axios`) or undici (`@auth/undici`)
 * instead of `client.fetch`: the same guarantees, counted at the AlertSite emulator.
 */
import { withAuthClient } from '@auth/axios';
import { createDemoClients, demoConfigFor } from '@auth/demo-config';
import type { Emulators } from '@auth/testing';
import { authInterceptor } from '@auth/undici';
import axios from 'axios';
import { Agent, request } from 'undici';

/** A row of the tour's table. */
export interface ClientRow {
  check: string;
  status: string;
  tokenRequests: string;
  latency: string;
  ok: boolean;
}

const COLD_CALLS = 100;
const AFTER_REVOCATION = 20;

/** `GET devices` through one library, answering the HTTP status. */
type Call = () => Promise<number>;

/** 100 concurrent cold calls, then the provider revokes every token and 20 more calls follow. */
async function coldThenRevoked(emulators: Emulators, library: string, call: Call) {
  const stats = emulators.alertsite.stats;
  const [tokensBefore, unauthorizedBefore] = [stats.tokenRequests, stats.unauthorized];
  const t0 = performance.now();
  const cold = await Promise.all(Array.from({ length: COLD_CALLS }, call));
  const latency = performance.now() - t0;
  const coldTokens = stats.tokenRequests - tokensBefore;
  emulators.alertsite.revokeAll();
  const after = await Promise.all(Array.from({ length: AFTER_REVOCATION }, call));
  const renewTokens = stats.tokenRequests - tokensBefore - coldTokens;
  const unauthorized = stats.unauthorized - unauthorizedBefore;
  const statuses = [...cold, ...after];
  return {
    check: `${library} × alertsite: ${COLD_CALLS} cold calls, then tokens revoked`,
    status: [...new Set(statuses)].join(','),
    tokenRequests: `${coldTokens} + ${renewTokens} after ${unauthorized} upstream 401`,
    latency: `${latency.toFixed(0)} ms (${COLD_CALLS} cold)`,
    ok: statuses.every((s) => s === 200) && coldTokens === 1 && renewTokens === 1,
  };
}

/** `withAuthClient(axios.create(), client)`. */
export async function axiosRow(emulators: Emulators): Promise<ClientRow> {
  const clients = createDemoClients(demoConfigFor(emulators));
  try {
    const http = withAuthClient(axios.create(), clients.alertsite);
    return await coldThenRevoked(
      emulators,
      'axios',
      async () => (await http.get('devices')).status,
    );
  } finally {
    await clients.close();
  }
}

/** `new Agent().compose(authInterceptor(client))` with `undici.request`. */
export async function undiciRow(emulators: Emulators): Promise<ClientRow> {
  const clients = createDemoClients(demoConfigFor(emulators));
  const agent = new Agent();
  const dispatcher = agent.compose(authInterceptor(clients.alertsite));
  const url = new URL('devices', clients.alertsite.baseUrl);
  try {
    return await coldThenRevoked(emulators, 'undici', async () => {
      const { statusCode, body } = await request(url, { dispatcher });
      await body.dump();
      return statusCode;
    });
  } finally {
    await agent.close();
    await clients.close();
  }
}
