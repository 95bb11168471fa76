import type { AuthEventListener, TokenFailureEvent } from './events.js';

/** Default shortest time between two reports of one client's token failures, ms. */
export const DEFAULT_TOKEN_FAILURE_REPORT_INTERVAL_MS = 60_000;

/** A failed token request, summarised for a log line. Secret-free. */
export interface TokenFailureReport {
  /** The failure (the first one since the previous report of this client). */
  readonly event: TokenFailureEvent;
  /** Failures of this client left unreported since its previous report (rate limit). */
  readonly suppressed: number;
  /**
   * One line naming the client, flow, tenant, error code and token endpoint status, e.g.
   * `Token request failed for client "alertsite" (flow jsonCredentials): TOKEN_ENDPOINT_REJECTED,
   * status 401; callers get the error; next attempt in 1s`.
   */
  readonly message: string;
}

/** Where {@link reportTokenFailures} listens: a registry from `createAuthClients()`. */
export interface TokenEventSource {
  /** Adds an event listener; returns the function that removes it. */
  subscribe(listener: AuthEventListener): () => void;
}

/** Options of {@link reportTokenFailures}. */
export interface TokenFailureReportOptions {
  /**
   * At most one report per client in this many ms; the failures in between are counted in the
   * next report's `suppressed`. Default {@link DEFAULT_TOKEN_FAILURE_REPORT_INTERVAL_MS}.
   */
  intervalMs?: number;
  /** Monotonic clock, ms. Default `performance.now`. */
  now?: () => number;
}

/**
 * For adapter authors: calls `report` once per failed token request of `clients` (however many
 * requests were waiting on it), at most once per client per `intervalMs`. The framework adapters
 * use it to log token failures through the framework's own logging. Returns the unsubscribe
 * function.
 *
 * @example
 * const stop = reportTokenFailures(clients, ({ event, message }) =>
 *   event.background ? logger.warn(message) : logger.error(message),
 * );
 */
export function reportTokenFailures(
  clients: TokenEventSource,
  report: (report: TokenFailureReport) => void,
  options: TokenFailureReportOptions = {},
): () => void {
  const intervalMs = options.intervalMs ?? DEFAULT_TOKEN_FAILURE_REPORT_INTERVAL_MS;
  const now = options.now ?? (() => performance.now());
  const lastReport = new Map<string, { at: number; suppressed: number }>();
  return clients.subscribe((event) => {
    if (event.type !== 'token.failure') return;
    const at = now();
    const last = lastReport.get(event.client);
    if (last !== undefined && at - last.at < intervalMs) {
      last.suppressed += 1;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    lastReport.set(event.client, { at, suppressed: 0 });
    report({ event, suppressed, message: describeTokenFailure(event, suppressed) });
  });
}

/** The report's line, from the event's secret-free fields only. */
function describeTokenFailure(event: TokenFailureEvent, suppressed: number): string {
  const where = [`flow ${event.flow}`];
  if (event.tenant !== undefined) where.push(`tenant ${JSON.stringify(event.tenant)}`);
  const what: string[] = [event.code];
  if (event.status !== undefined) what.push(`status ${event.status}`);
  const effect = event.background
    ? 'background refresh; the current token is still served'
    : 'callers get the error';
  const parts = [
    `Token request failed for client ${JSON.stringify(event.client)} (${where.join(', ')}): ${what.join(', ')}`,
    effect,
    `next attempt in ${seconds(event.retryInMs)}`,
  ];
  if (suppressed > 0) {
    parts.push(`${suppressed} more failure${suppressed === 1 ? '' : 's'} since the last report`);
  }
  return parts.join('; ');
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}
