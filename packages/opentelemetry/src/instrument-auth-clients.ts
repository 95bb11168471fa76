import type {
  AuthEvent,
  AuthEventListener,
  ClientStatus,
  TokenFailureEvent,
  TokenRequestEvent,
  TokenSuccessEvent,
} from '@auth/core';
import {
  type Attributes,
  context,
  type MeterProvider,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { type AuthInstruments, createAuthInstruments } from './auth-instruments.js';
import { AUTH_ATTRIBUTES as A, TOKEN_REQUEST_SPAN } from './semantic-names.js';

/** Instrumentation scope name of the meter and the tracer. */
export const INSTRUMENTATION_SCOPE = '@auth/opentelemetry';

/**
 * What {@link instrumentAuthClients} needs from a registry: what `createAuthClients()` of
 * `@auth/core` returns.
 */
export interface InstrumentableAuthClients {
  /** Adds an event listener; returns the function that removes it. */
  subscribe(listener: AuthEventListener): () => void;
  /** One secret-free row per client and cached tenant. */
  status(): ClientStatus[];
}

/** Options of {@link instrumentAuthClients}. */
export interface InstrumentAuthClientsOptions {
  /** Where the metrics go. Default: the global one (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /** Where the token request spans go. Default: the global one (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
}

/** A token request in flight: why it started, and its span. */
interface Pending {
  readonly reason: TokenRequestEvent['reason'];
  readonly span: Span;
}

/**
 * Records OpenTelemetry metrics and spans of a registry's token handling, built only from its
 * events (`clients.subscribe`): counters and histograms of token requests, 401s, lease waits and
 * store failures, a gauge of the remaining token lifetime, and a span per token request, child of
 * the span active where the request started (so it sits under the incoming request's span).
 * No attribute ever carries a secret or a token value. The hot path (a cached token) records
 * nothing. Returns a function that stops recording.
 *
 * @example
 * import { createAuthClients, presets } from '@auth/core';
 * import { instrumentAuthClients } from '@auth/opentelemetry';
 *
 * const clients = createAuthClients({ alertsite: presets.alertsite({ username, password }) });
 * const stop = instrumentAuthClients(clients); // the global meter and tracer providers
 * // on shutdown:
 * stop();
 */
export function instrumentAuthClients(
  clients: InstrumentableAuthClients,
  options: InstrumentAuthClientsOptions = {},
): () => void {
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
  const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
  const instruments = createAuthInstruments(meterProvider.getMeter(INSTRUMENTATION_SCOPE), () =>
    clients.status(),
  );
  const tracer = tracerProvider.getTracer(INSTRUMENTATION_SCOPE);
  const pending = new Map<string, Pending>();
  const unsubscribe = clients.subscribe((event) => record(event, instruments, tracer, pending));
  return function stopInstrumentation() {
    unsubscribe();
    instruments.stop();
    for (const { span } of pending.values()) span.end();
    pending.clear();
  };
}

function record(
  event: AuthEvent,
  instruments: AuthInstruments,
  tracer: Tracer,
  pending: Map<string, Pending>,
): void {
  const base: Attributes = { [A.clientName]: event.client, [A.flow]: event.flow };
  const key = `${event.client}\0${event.tenant ?? ''}\0${event.flow}`;
  switch (event.type) {
    case 'token.request': {
      pending.get(key)?.span.end();
      pending.set(key, { reason: event.reason, span: startSpan(tracer, event, base) });
      return;
    }
    case 'token.success':
    case 'token.failure': {
      const request = pending.get(key);
      pending.delete(key);
      const attributes = outcomeAttributes(event, base, request?.reason);
      instruments.tokenRequests.add(1, attributes);
      instruments.tokenRequestDuration.record(event.durationMs / 1000, attributes);
      if (request !== undefined) endSpan(request.span, event);
      return;
    }
    case 'api.unauthorized':
      instruments.unauthorizedResponses.add(1, {
        ...base,
        [A.unauthorizedAction]: event.action,
        [A.unauthorizedRetried]: event.retried,
      });
      return;
    case 'lease.wait': {
      const attributes = { ...base, [A.leaseOutcome]: event.outcome };
      instruments.leaseWaitDuration.record(event.durationMs / 1000, attributes);
      pending.get(key)?.span.addEvent(event.type, attributes);
      return;
    }
    case 'store.failure': {
      const attributes = { ...base, [A.errorType]: event.code, [A.storeFallback]: event.fallback };
      instruments.storeFailures.add(1, attributes);
      pending.get(key)?.span.addEvent(event.type, attributes);
      return;
    }
    case 'store.unreadable':
      instruments.storeUnreadableEntries.add(1, { ...base, [A.storeReason]: event.reason });
      return;
  }
}

/** The span of a token request, child of the span active where the request starts. */
function startSpan(tracer: Tracer, event: TokenRequestEvent, base: Attributes): Span {
  return tracer.startSpan(
    TOKEN_REQUEST_SPAN,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        ...base,
        ...(event.tenant === undefined ? {} : { [A.tenant]: event.tenant }),
        [A.reason]: event.reason,
      },
    },
    context.active(),
  );
}

function outcomeAttributes(
  event: TokenSuccessEvent | TokenFailureEvent,
  base: Attributes,
  reason: TokenRequestEvent['reason'] | undefined,
): Attributes {
  const attributes: Attributes = { ...base };
  if (reason !== undefined) attributes[A.reason] = reason;
  if (event.type === 'token.success') {
    attributes[A.outcome] = 'success';
    attributes[A.source] = event.source;
  } else {
    attributes[A.outcome] = 'failure';
    attributes[A.errorType] = event.code;
    attributes[A.background] = event.background;
    if (event.status !== undefined) attributes[A.httpStatus] = event.status;
  }
  return attributes;
}

function endSpan(span: Span, event: TokenSuccessEvent | TokenFailureEvent): void {
  if (event.type === 'token.success') {
    span.setAttribute(A.source, event.source);
  } else {
    span.setAttribute(A.errorType, event.code);
    span.setAttribute(A.background, event.background);
    if (event.status !== undefined) span.setAttribute(A.httpStatus, event.status);
    span.setStatus({ code: SpanStatusCode.ERROR, message: event.code });
  }
  span.end();
}
