import type { ClientStatus } from '@auth/core';
import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  ObservableGauge,
  ObservableResult,
} from '@opentelemetry/api';
import { AUTH_ATTRIBUTES, AUTH_METRICS } from './semantic-names.js';

/** Bucket bounds (seconds) for token request and lease wait durations: 5 ms to 30 s. */
const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The instruments of one {@link instrumentAuthClients} call. */
export interface AuthInstruments {
  readonly tokenRequests: Counter;
  readonly tokenRequestDuration: Histogram;
  readonly unauthorizedResponses: Counter;
  readonly leaseWaitDuration: Histogram;
  readonly storeFailures: Counter;
  readonly storeUnreadableEntries: Counter;
  /** Stops observing the remaining lifetime. */
  stop(): void;
}

/**
 * Creates every instrument of {@link AUTH_METRICS} on `meter`. The remaining-lifetime gauge reads
 * `status()` at each collection and reports, per client, the shortest remaining lifetime among
 * its cached tokens (per-tenant clients have one per tenant; one series per client keeps the
 * cardinality bounded).
 */
export function createAuthInstruments(meter: Meter, status: () => ClientStatus[]): AuthInstruments {
  const duration = (name: string, description: string) =>
    meter.createHistogram(name, {
      description,
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
    });
  const remainingLifetime: ObservableGauge = meter.createObservableGauge(
    AUTH_METRICS.tokenRemainingLifetime,
    {
      description: "Remaining lifetime of the client's cached token (shortest across tenants)",
      unit: 's',
    },
  );
  const observe = (result: ObservableResult) => {
    for (const [client, ms] of shortestLifetimes(status())) {
      result.observe(ms / 1000, { [AUTH_ATTRIBUTES.clientName]: client } satisfies Attributes);
    }
  };
  remainingLifetime.addCallback(observe);
  return {
    tokenRequests: meter.createCounter(AUTH_METRICS.tokenRequests, {
      description: 'Finished token requests, by outcome',
      unit: '{request}',
    }),
    tokenRequestDuration: duration(
      AUTH_METRICS.tokenRequestDuration,
      'Duration of token requests, from their start to the token or the error',
    ),
    unauthorizedResponses: meter.createCounter(AUTH_METRICS.unauthorizedResponses, {
      description: '401 answers from APIs, by what they did to the token',
      unit: '{response}',
    }),
    leaseWaitDuration: duration(
      AUTH_METRICS.leaseWaitDuration,
      "Time spent waiting on another instance's token lease",
    ),
    storeFailures: meter.createCounter(AUTH_METRICS.storeFailures, {
      description: 'Token store operations that failed',
      unit: '{failure}',
    }),
    storeUnreadableEntries: meter.createCounter(AUTH_METRICS.storeUnreadableEntries, {
      description: 'Stored token entries that could not be read and get replaced',
      unit: '{entry}',
    }),
    stop: () => remainingLifetime.removeCallback(observe),
  };
}

/** Client name → the smallest `expiresInMs` among its status rows that have a token. */
function shortestLifetimes(rows: readonly ClientStatus[]): Map<string, number> {
  const shortest = new Map<string, number>();
  for (const { client, expiresInMs } of rows) {
    if (expiresInMs === undefined) continue;
    const known = shortest.get(client);
    if (known === undefined || expiresInMs < known) shortest.set(client, expiresInMs);
  }
  return shortest;
}
