import {
  type AuthEvent,
  type AuthEventListener,
  reportTokenFailures,
  type TokenFailureEvent,
  type TokenFailureReport,
} from '@auth/core';
import { describe, expect, it } from 'vitest';

/** A registry's `subscribe`, fed by hand. */
function eventSource() {
  const listeners = new Set<AuthEventListener>();
  return {
    subscribe(listener: AuthEventListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: AuthEvent) {
      for (const listener of listeners) listener(event);
    },
    get size() {
      return listeners.size;
    },
  };
}

function failure(overrides: Partial<TokenFailureEvent> = {}): TokenFailureEvent {
  return {
    type: 'token.failure',
    client: 'alertsite',
    flow: 'jsonCredentials',
    time: 0,
    code: 'TOKEN_ENDPOINT_REJECTED',
    status: 401,
    durationMs: 30,
    background: false,
    retryInMs: 1_000,
    ...overrides,
  };
}

describe('reportTokenFailures', () => {
  it('reports a failure with the client, flow, code and status', () => {
    const source = eventSource();
    const reports: TokenFailureReport[] = [];
    reportTokenFailures(source, (report) => reports.push(report));
    source.emit({
      type: 'token.request',
      client: 'alertsite',
      flow: 'x',
      time: 0,
      reason: 'missing',
    });
    source.emit(failure());
    expect(reports.map((r) => r.message)).toEqual([
      'Token request failed for client "alertsite" (flow jsonCredentials): TOKEN_ENDPOINT_REJECTED, status 401; callers get the error; next attempt in 1s',
    ]);
    expect(reports[0]?.suppressed).toBe(0);
  });

  it('says when a background refresh failed, and names the tenant', () => {
    const source = eventSource();
    const messages: string[] = [];
    reportTokenFailures(source, ({ message }) => messages.push(message));
    source.emit(
      failure({ background: true, tenant: 'client_1234', status: undefined, retryInMs: 2_500 }),
    );
    expect(messages).toEqual([
      'Token request failed for client "alertsite" (flow jsonCredentials, tenant "client_1234"): TOKEN_ENDPOINT_REJECTED; background refresh; the current token is still served; next attempt in 2.5s',
    ]);
  });

  it('reports at most once per client per interval, then counts what it left out', () => {
    const source = eventSource();
    let now = 0;
    const reports: TokenFailureReport[] = [];
    reportTokenFailures(source, (report) => reports.push(report), {
      intervalMs: 60_000,
      now: () => now,
    });
    source.emit(failure());
    now = 10_000;
    source.emit(failure());
    source.emit(failure({ client: 'opsramp' }));
    now = 59_999;
    source.emit(failure());
    expect(reports.map((r) => [r.event.client, r.suppressed])).toEqual([
      ['alertsite', 0],
      ['opsramp', 0],
    ]);
    now = 60_000;
    source.emit(failure());
    expect(reports.at(-1)?.suppressed).toBe(2);
    expect(reports.at(-1)?.message).toMatch(/; 2 more failures since the last report$/);
  });

  it('returns the unsubscribe function', () => {
    const source = eventSource();
    const stop = reportTokenFailures(source, () => {});
    expect(source.size).toBe(1);
    stop();
    expect(source.size).toBe(0);
  });
});
