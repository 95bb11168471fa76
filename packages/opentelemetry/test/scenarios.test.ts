/**
 * Registries of `@auth/core` against the provider emulators (and a real redis-server for the
 * fleet), recorded by the real OpenTelemetry SDK: every metric of the README table gets recorded
 * by one of these scenarios, token request spans sit under the caller's span, and nothing
 * recorded (events, status snapshots, metric and span attributes) carries a secret.
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type AuthClients,
  type AuthEvent,
  type ClientStatus,
  createAuthClients,
  flows,
  presets,
} from '@auth/core';
import { RedisTokenStore } from '@auth/redis';
import {
  type Emulators,
  isRedisServerAvailable,
  issuedSecrets,
  startEmulators,
  startRedisServer,
} from '@auth/testing';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTH_ATTRIBUTES as A,
  type InstrumentableAuthClients,
  instrumentAuthClients,
  AUTH_METRICS as M,
} from '../src/index.js';
import { startTestSdk, type TestSdk } from './otel-sdk.js';

const WRONG_PASSWORD = 'wrong-password-must-not-leak';
/** The emulators' clock: tokens expire on it, the clients read it. */
let time = Date.now();
const now = () => time;

let emulators: Emulators;
let sdk: TestSdk;
const events: AuthEvent[] = [];
const statuses: ClientStatus[][] = [];
/** What the scenarios need of a registry, whatever its client names. */
type Registry = InstrumentableAuthClients & { close(): Promise<void> };
const registries: Registry[] = [];

beforeAll(async () => {
  emulators = await startEmulators({ now, lifetimes: { opsramp: 100, aspnet: 100 } });
  sdk = startTestSdk();
});
afterAll(async () => {
  await Promise.all(registries.map((clients) => clients.close()));
  await sdk?.shutdown();
  await emulators?.close();
});

/** `clients`, instrumented, with every event and status snapshot kept for the secret scan. */
function instrumented<Clients extends Registry>(clients: Clients): Clients {
  registries.push(clients);
  clients.subscribe((event) => events.push(event));
  instrumentAuthClients(clients, {
    meterProvider: sdk.meterProvider,
    tracerProvider: sdk.tracerProvider,
  });
  return clients;
}

function snapshot(clients: Registry): ClientStatus[] {
  const rows = clients.status();
  statuses.push(rows);
  return rows;
}

describe('client credentials (OpsRamp emulator), 100 s tokens', () => {
  let clients: AuthClients<'opsramp'>;
  let path: string;
  beforeAll(() => {
    const { tokenUrl, credentials, apiBaseUrl } = emulators.opsramp;
    path = `api/v2/tenants/${credentials.tenantId}/alerts/search`;
    clients = instrumented(
      createAuthClients({
        opsramp: {
          baseUrl: apiBaseUrl,
          flow: flows.clientCredentials({
            tokenUrl,
            clientId: credentials.clientId,
            clientSecret: credentials.clientSecret,
          }),
          now,
        },
      }),
    );
  });

  it('counts and times the first token request, as a child span of the caller, then nothing on the hot path', async () => {
    const caller = sdk.tracerProvider.getTracer('app');
    await caller.startActiveSpan('GET /alerts', async (span) => {
      expect((await clients.opsramp.fetch(path)).status).toBe(200);
      span.end();
    });
    for (let i = 0; i < 20; i++) expect((await clients.opsramp.fetch(path)).status).toBe(200);

    expect(emulators.opsramp.stats.tokenRequests).toBe(1);
    const first = {
      [A.clientName]: 'opsramp',
      [A.flow]: 'clientCredentials',
      [A.outcome]: 'success',
      [A.reason]: 'missing',
      [A.source]: 'endpoint',
    };
    expect(await sdk.sum(M.tokenRequests, { [A.clientName]: 'opsramp' })).toBe(1);
    expect(await sdk.sum(M.tokenRequests, first)).toBe(1);
    expect(await sdk.count(M.tokenRequestDuration, first)).toBe(1);

    const parent = sdk.spans().find((s) => s.name === 'GET /alerts');
    const [request] = sdk.spans().filter((s) => s.name === 'auth.token.request');
    expect(request?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(request?.spanContext().traceId).toBe(parent?.spanContext().traceId);
    const { [A.outcome]: _outcome, ...spanAttributes } = first; // a span has a status instead
    expect(request?.attributes).toMatchObject(spanAttributes);
    expect(request?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('reports the remaining lifetime from status()', async () => {
    expect(snapshot(clients)).toMatchObject([{ state: 'valid', expiresInMs: 100_000 }]);
    time += 30_000;
    expect(await sdk.gauge(M.tokenRemainingLifetime)).toContainEqual({
      attributes: { [A.clientName]: 'opsramp' },
      value: 70,
    });
  });

  it('counts a 401 that renews the token, and the token request it causes', async () => {
    emulators.opsramp.revokeAll();
    expect((await clients.opsramp.fetch(path)).status).toBe(200);
    expect(emulators.opsramp.stats.unauthorized).toBe(1);
    expect(
      await sdk.sum(M.unauthorizedResponses, {
        [A.clientName]: 'opsramp',
        [A.unauthorizedAction]: 'renewed',
        [A.unauthorizedRetried]: true,
      }),
    ).toBe(1);
    expect(await sdk.sum(M.tokenRequests, { [A.reason]: 'rejected', [A.outcome]: 'success' })).toBe(
      1,
    );
  });

  it('counts a failed background refresh while the current token keeps serving', async () => {
    emulators.opsramp.fault('error500');
    try {
      time += 95_000; // past the refresh point (10 s before expiry), still valid
      expect((await clients.opsramp.fetch(path)).status).toBe(200);
      const failed = {
        [A.clientName]: 'opsramp',
        [A.outcome]: 'failure',
        [A.reason]: 'refresh',
        [A.errorType]: 'TOKEN_ENDPOINT_REJECTED',
        [A.httpStatus]: 500,
        [A.background]: true,
      };
      await expect.poll(() => sdk.sum(M.tokenRequests, failed)).toBe(1);
      expect(snapshot(clients)).toMatchObject([
        { state: 'failing', lastError: 'TOKEN_ENDPOINT_REJECTED' },
      ]);
      const span = sdk.spans().find((s) => s.attributes[A.reason] === 'refresh');
      expect(span?.status).toEqual({
        code: SpanStatusCode.ERROR,
        message: 'TOKEN_ENDPOINT_REJECTED',
      });
    } finally {
      emulators.opsramp.fault(null);
    }
  });
});

describe('wrong credentials (AlertSite emulator)', () => {
  it('count the failure with the token endpoint status', async () => {
    const { alertsite } = emulators;
    const clients = instrumented(
      createAuthClients({
        alertsite: presets.alertsite({
          baseUrl: alertsite.apiBaseUrl,
          username: alertsite.credentials.username,
          password: WRONG_PASSWORD,
          now,
        }),
      }),
    );
    await expect(clients.alertsite.getToken()).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT_REJECTED',
    });
    snapshot(clients);
    expect(
      await sdk.sum(M.tokenRequests, {
        [A.clientName]: 'alertsite',
        [A.outcome]: 'failure',
        [A.httpStatus]: 401,
        [A.background]: false,
      }),
    ).toBe(1);
  });
});

describe.skipIf(!isRedisServerAvailable())(
  'a fleet of two registries sharing Redis (ASP.NET /Token emulator)',
  () => {
    it('times the lease waits of the instance that adopts the token, and counts store failures', async () => {
      const redis = await startRedisServer();
      try {
        const prefix = `otel:${randomUUID()}:`;
        const instance = () => {
          const { aspnet } = emulators;
          return instrumented(
            createAuthClients({
              aspnet: presets.aspnetToken({
                baseUrl: `${aspnet.origin}/`,
                ...aspnet.credentials,
                store: new RedisTokenStore({ redis: redis.url, prefix }),
                now,
              }),
            }),
          );
        };
        const fleet = [instance(), instance()];
        await Promise.all(Array.from({ length: 20 }, (_, i) => fleet[i % 2]?.aspnet.getToken()));
        expect(emulators.aspnet.stats.tokenRequests).toBe(1);
        expect(await sdk.count(M.leaseWaitDuration, { [A.clientName]: 'aspnet' })).toBeGreaterThan(
          0,
        );
        expect(
          await sdk.sum(M.tokenRequests, { [A.clientName]: 'aspnet', [A.source]: 'store' }),
        ).toBe(1);
        for (const clients of fleet) snapshot(clients);

        await redis.stop();
        time += 200_000; // the shared token has expired: the next call needs the store
        await fleet[0]?.aspnet.getToken().catch(() => {});
        expect(
          await sdk.sum(M.storeFailures, {
            [A.clientName]: 'aspnet',
            [A.errorType]: 'TOKEN_STORE_UNAVAILABLE',
          }),
        ).toBeGreaterThan(0);
      } finally {
        await redis.dispose();
      }
    });
  },
);

describe('over the whole suite', () => {
  it('every metric of the README table was recorded (the engine emits no store.unreadable yet)', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Metrics'), readme.indexOf('## Attributes'));
    const documented = [...table.matchAll(/^\| `(auth\.client\.[a-z_.]+)`/gm)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(Object.values(M)));
    const recorded = new Set(
      (await sdk.collect()).filter((m) => m.dataPoints.length > 0).map((m) => m.descriptor.name),
    );
    const missing = documented.filter((name) => !recorded.has(name as string));
    expect(missing).toEqual(
      isRedisServerAvailable() ? [M.storeUnreadableEntries] : expect.any(Array),
    );
  });

  it('no event, status snapshot, metric attribute or span attribute carries a secret', async () => {
    const spans = sdk.spans().map((s) => ({
      name: s.name,
      attributes: s.attributes,
      status: s.status,
      events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    }));
    const metrics = (await sdk.collect()).map((m) => ({
      name: m.descriptor.name,
      attributes: m.dataPoints.map((p) => p.attributes),
    }));
    expect(events.length).toBeGreaterThan(10);
    expect(spans.length).toBeGreaterThan(3);
    const recorded = JSON.stringify({ events, statuses, metrics, spans });
    const secrets = [...issuedSecrets(), WRONG_PASSWORD];
    expect(secrets.length).toBeGreaterThan(5);
    expect(secrets.filter((secret) => recorded.includes(secret))).toEqual([]);
  });
});
