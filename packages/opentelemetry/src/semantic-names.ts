/**
 * Names of the metrics {@link instrumentAuthClients} records, following the OpenTelemetry naming
 * conventions: dot-separated namespaces, durations in seconds, counters without a `_total`.
 *
 * @example
 * // The 401 counter among what a metric reader collected:
 * const { resourceMetrics } = await reader.collect();
 * const unauthorized = resourceMetrics.scopeMetrics
 *   .flatMap((scope) => scope.metrics)
 *   .find((metric) => metric.descriptor.name === AUTH_METRICS.unauthorizedResponses);
 */
export const AUTH_METRICS = Object.freeze({
  /** Counter `{request}`: finished token requests, by outcome. */
  tokenRequests: 'auth.client.token.requests',
  /** Histogram `s`: duration of a token request, from its start to the token or the error. */
  tokenRequestDuration: 'auth.client.token.request.duration',
  /** Counter `{response}`: 401 answers from an API, by what they did to the token. */
  unauthorizedResponses: 'auth.client.unauthorized_responses',
  /** Histogram `s`: time this instance waited on another instance's lease (shared stores). */
  leaseWaitDuration: 'auth.client.lease.wait.duration',
  /** Counter `{failure}`: token store operations that failed. */
  storeFailures: 'auth.client.store.failures',
  /** Counter `{entry}`: stored entries that could not be read and are replaced. */
  storeUnreadableEntries: 'auth.client.store.unreadable_entries',
  /** Gauge `s`: remaining lifetime of the client's cached token (the shortest across tenants). */
  tokenRemainingLifetime: 'auth.client.token.remaining_lifetime',
});

/** Attribute keys of the metrics and spans. None ever holds a secret or a token value. */
export const AUTH_ATTRIBUTES = Object.freeze({
  /** The client's name in its registry, e.g. `alertsite`. */
  clientName: 'auth.client.name',
  /** The tenant of a per-tenant client (spans only: unbounded cardinality). */
  tenant: 'auth.client.tenant',
  /** The flow id, e.g. `clientCredentials`. */
  flow: 'auth.flow',
  /** `success` | `failure`. */
  outcome: 'auth.token.outcome',
  /** Why the token request started: `missing` | `expired` | `refresh` | `rejected`. */
  reason: 'auth.token.reason',
  /** Where the token came from: `endpoint` | `store`. */
  source: 'auth.token.source',
  /** `true` for a failed early refresh while a valid token keeps being served. */
  background: 'auth.token.background',
  /** The error's stable code, e.g. `TOKEN_ENDPOINT_REJECTED` (OpenTelemetry `error.type`). */
  errorType: 'error.type',
  /** HTTP status of the token endpoint, when it answered. */
  httpStatus: 'http.response.status_code',
  /** What a 401 did: `renewed` | `stale` | `limited` | `ignored`. */
  unauthorizedAction: 'auth.unauthorized.action',
  /** Whether the call got sent again after the 401. */
  unauthorizedRetried: 'auth.unauthorized.retried',
  /** How a lease wait ended: `adopted` | `acquired` | `timeout`. */
  leaseOutcome: 'auth.lease.outcome',
  /** `true` when the call went on without the store. */
  storeFallback: 'auth.store.fallback',
  /** Why a stored entry was unreadable, e.g. `not-json`. */
  storeReason: 'auth.store.reason',
});

/** Name of the span of one token request. */
export const TOKEN_REQUEST_SPAN = 'auth.token.request';
