import { reportTokenFailures, type TokenEventSource, type TokenFailureEvent } from '@auth/core';
import type Koa from 'koa';

/**
 * What `app.on('error')` receives once per failed token request of the registry (however many
 * requests were waiting on it), at most once per client per minute; the message names the client,
 * flow, tenant, error code and token endpoint status, never a secret, and counts the failures
 * left out since the previous one. `expose` is `false`, so Koa's default error logger prints it,
 * as one line (its `stack` is the message: where the report was made says nothing).
 *
 * The requests themselves are answered `502` and not reported one by one.
 *
 * @example
 * app.on('error', (error, ctx) => {
 *   if (error instanceof TokenFailureError) log.warn({ client: error.event.client, code: error.code }, error.message);
 *   else log.error(error);
 * });
 */
export class TokenFailureError extends Error {
  /** The error code of the failed token request, e.g. `TOKEN_ENDPOINT_REJECTED`. */
  readonly code: TokenFailureEvent['code'];
  /** The failure event: client, tenant, flow, code, token endpoint status, backoff. */
  readonly event: TokenFailureEvent;
  /** Failures of this client left unreported since the previous report. */
  readonly suppressed: number;
  /** Not a message for the HTTP client: Koa's default error logger prints it. */
  readonly expose = false;

  constructor(report: { event: TokenFailureEvent; suppressed: number; message: string }) {
    super(report.message);
    this.name = 'TokenFailureError';
    this.code = report.event.code;
    this.event = report.event;
    this.suppressed = report.suppressed;
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** The apps each registry's token failures are reported to. */
const appsByRegistry = new WeakMap<TokenEventSource, Set<Koa>>();

/**
 * The set of apps that receive `clients`' {@link TokenFailureError}s: the middleware adds each
 * app it serves. One subscription per registry, however many middlewares share it.
 * @internal
 */
export function tokenFailureApps(clients: TokenEventSource): Set<Koa> {
  let apps = appsByRegistry.get(clients);
  if (apps === undefined) {
    const reportedTo = new Set<Koa>();
    reportTokenFailures(clients, (report) => {
      const error = new TokenFailureError(report);
      for (const app of reportedTo) if (app.listenerCount('error') > 0) app.emit('error', error);
    });
    appsByRegistry.set(clients, reportedTo);
    apps = reportedTo;
  }
  return apps;
}
