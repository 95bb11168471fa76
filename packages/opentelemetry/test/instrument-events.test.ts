/**
 * Each event type of `@auth/core` against the real OpenTelemetry SDK, from a small event source
 * that delivers hand-made events (the emulator scenarios are in scenarios.test.ts).
 */
import type { AuthEvent, AuthEventListener, ClientStatus } from '@auth/core';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH_ATTRIBUTES as A, instrumentAuthClients, AUTH_METRICS as M } from '../src/index.js';
import { startTestSdk, type TestSdk } from './otel-sdk.js';

function eventSource(rows: ClientStatus[] = []) {
  const listeners = new Set<AuthEventListener>();
  return {
    rows,
    subscribe(listener: AuthEventListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    status: () => rows,
    emit(event: Omit<AuthEvent, 'client' | 'flow' | 'time'> & Partial<AuthEvent>) {
      const full = { client: 'billing', flow: 'clientCredentials', time: 0, ...event } as AuthEvent;
      for (const listener of listeners) listener(full);
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}

let sdk: TestSdk;
beforeEach(() => {
  sdk = startTestSdk();
});
afterEach(async () => {
  await sdk.shutdown();
});

function instrument(source: ReturnType<typeof eventSource>) {
  return instrumentAuthClients(source, {
    meterProvider: sdk.meterProvider,
    tracerProvider: sdk.tracerProvider,
  });
}

describe('token requests', () => {
  it('count successes with their reason and source, and time them in seconds', async () => {
    const source = eventSource();
    instrument(source);
    source.emit({ type: 'token.request', reason: 'missing' });
    source.emit({ type: 'token.success', source: 'endpoint', durationMs: 250, expiresInMs: 3.6e6 });

    const success = { [A.clientName]: 'billing', [A.outcome]: 'success', [A.reason]: 'missing' };
    expect(await sdk.sum(M.tokenRequests, { ...success, [A.source]: 'endpoint' })).toBe(1);
    const [point] =
      (await sdk.collect())
        .find((m) => m.descriptor.name === M.tokenRequestDuration)
        ?.dataPoints.map((p) => p.value as { sum: number; count: number }) ?? [];
    expect(point).toMatchObject({ sum: 0.25, count: 1 });
  });

  it('count failures with the error code, the status and whether it was a background refresh', async () => {
    const source = eventSource();
    instrument(source);
    source.emit({ type: 'token.request', reason: 'refresh' });
    source.emit({
      type: 'token.failure',
      code: 'TOKEN_ENDPOINT_REJECTED',
      status: 401,
      durationMs: 40,
      background: true,
      retryInMs: 1_000,
    });
    expect(
      await sdk.sum(M.tokenRequests, {
        [A.outcome]: 'failure',
        [A.reason]: 'refresh',
        [A.errorType]: 'TOKEN_ENDPOINT_REJECTED',
        [A.httpStatus]: 401,
        [A.background]: true,
      }),
    ).toBe(1);
    expect(await sdk.count(M.tokenRequestDuration, { [A.outcome]: 'failure' })).toBe(1);
  });

  it('make one span per request, a child of the span active where it started', async () => {
    const source = eventSource();
    instrument(source);
    const caller = sdk.tracerProvider.getTracer('app');
    await caller.startActiveSpan('GET /devices', async (parent) => {
      await Promise.resolve();
      source.emit({ type: 'token.request', reason: 'expired', tenant: 'client_1234' });
      parent.end();
    });
    source.emit({
      type: 'token.failure',
      tenant: 'client_1234',
      code: 'TOKEN_ENDPOINT_UNREACHABLE',
      status: 503,
      durationMs: 12,
      background: false,
      retryInMs: 2_000,
    });

    const parent = sdk.spans().find((s) => s.name === 'GET /devices');
    const span = sdk.spans().find((s) => s.name === 'auth.token.request');
    expect(span?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(span?.spanContext().traceId).toBe(parent?.spanContext().traceId);
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'TOKEN_ENDPOINT_UNREACHABLE',
    });
    expect(span?.attributes).toEqual({
      [A.clientName]: 'billing',
      [A.flow]: 'clientCredentials',
      [A.tenant]: 'client_1234',
      [A.reason]: 'expired',
      [A.errorType]: 'TOKEN_ENDPOINT_UNREACHABLE',
      [A.background]: false,
      [A.httpStatus]: 503,
    });
  });

  it('correlate per client and tenant: two tenants in flight at once get their own spans', async () => {
    const source = eventSource();
    instrument(source);
    source.emit({ type: 'token.request', reason: 'missing', tenant: 'a' });
    source.emit({ type: 'token.request', reason: 'rejected', tenant: 'b' });
    source.emit({
      type: 'token.success',
      tenant: 'b',
      source: 'store',
      durationMs: 1,
      expiresInMs: 1,
    });
    source.emit({
      type: 'token.success',
      tenant: 'a',
      source: 'endpoint',
      durationMs: 1,
      expiresInMs: 1,
    });
    const spans = sdk
      .spans()
      .map((s) => [s.attributes[A.tenant], s.attributes[A.reason], s.attributes[A.source]]);
    expect(spans).toEqual([
      ['b', 'rejected', 'store'],
      ['a', 'missing', 'endpoint'],
    ]);
    expect(await sdk.sum(M.tokenRequests, { [A.reason]: 'rejected', [A.source]: 'store' })).toBe(1);
  });
});

describe('other events', () => {
  it('count 401s by action, time lease waits, count store failures and unreadable entries', async () => {
    const source = eventSource();
    instrument(source);
    source.emit({ type: 'api.unauthorized', action: 'renewed', retried: true });
    source.emit({ type: 'api.unauthorized', action: 'limited', retried: false });
    source.emit({ type: 'api.unauthorized', action: 'renewed', retried: true });
    source.emit({ type: 'token.request', reason: 'missing' });
    source.emit({ type: 'lease.wait', durationMs: 120, outcome: 'adopted' });
    source.emit({ type: 'store.failure', code: 'TOKEN_STORE_UNAVAILABLE', fallback: true });
    source.emit({ type: 'store.unreadable', reason: 'not-json' });
    source.emit({ type: 'token.success', source: 'store', durationMs: 130, expiresInMs: 1 });

    expect(
      await sdk.sum(M.unauthorizedResponses, {
        [A.unauthorizedAction]: 'renewed',
        [A.unauthorizedRetried]: true,
      }),
    ).toBe(2);
    expect(await sdk.sum(M.unauthorizedResponses, { [A.unauthorizedAction]: 'limited' })).toBe(1);
    expect(await sdk.count(M.leaseWaitDuration, { [A.leaseOutcome]: 'adopted' })).toBe(1);
    expect(
      await sdk.sum(M.storeFailures, {
        [A.errorType]: 'TOKEN_STORE_UNAVAILABLE',
        [A.storeFallback]: true,
      }),
    ).toBe(1);
    expect(await sdk.sum(M.storeUnreadableEntries, { [A.storeReason]: 'not-json' })).toBe(1);
    // The lease wait and the store failure happened during the token request: events of its span.
    expect(sdk.spans()[0]?.events.map((e) => e.name)).toEqual(['lease.wait', 'store.failure']);
  });

  it('report the shortest remaining lifetime per client from status(), in seconds', async () => {
    const source = eventSource([
      { client: 'billing', state: 'valid', expiresInMs: 3_600_000, failures: 0 },
      { client: 'opsramp', tenant: 'a', state: 'expiring', expiresInMs: 30_000, failures: 0 },
      { client: 'opsramp', tenant: 'b', state: 'valid', expiresInMs: 7_000_000, failures: 0 },
      { client: 'alertsite', state: 'empty', failures: 2, lastError: 'TOKEN_ENDPOINT_REJECTED' },
    ]);
    instrument(source);
    expect(await sdk.gauge(M.tokenRemainingLifetime)).toEqual([
      { attributes: { [A.clientName]: 'billing' }, value: 3600 },
      { attributes: { [A.clientName]: 'opsramp' }, value: 30 },
    ]);
  });
});

describe('the returned stop function', () => {
  it('unsubscribes, stops the gauge and ends the spans still open', async () => {
    const source = eventSource([
      { client: 'billing', state: 'valid', expiresInMs: 1_000, failures: 0 },
    ]);
    const stop = instrument(source);
    source.emit({ type: 'token.request', reason: 'missing' });
    expect(source.listenerCount).toBe(1);
    stop();
    expect(source.listenerCount).toBe(0);
    expect(sdk.spans()).toHaveLength(1);
    expect(await sdk.gauge(M.tokenRemainingLifetime)).toEqual([]);
  });
});

it('uses the global providers when none are given', async () => {
  expect(trace.getTracerProvider()).toBeDefined();
  const source = eventSource();
  const stop = instrumentAuthClients(source);
  source.emit({ type: 'token.request', reason: 'missing' });
  source.emit({ type: 'token.success', source: 'endpoint', durationMs: 1, expiresInMs: 1 });
  stop();
  // No global SDK is registered in this test: the no-op providers record nothing, and nothing throws.
  expect(sdk.spans()).toEqual([]);
});
