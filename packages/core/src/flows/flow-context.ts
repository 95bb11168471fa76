/**
 * What every flow's error paths share: the flow id, a printable endpoint, and a redactor that knows
 * the flow's secrets. The redactor lives in a closure, so a context never exposes the secrets it
 * removes.
 */
import { type AuthErrorCode, TokenEndpointError } from '../errors.js';
import { createRedactor } from './redactor.js';

/** Per-flow error context. Created once by each flow factory; holds no secret in a property. */
export interface FlowContext {
  /** The flow id, e.g. `jsonCredentials`. */
  readonly flow: string;
  /** `origin + pathname` of the endpoint (query string left out), for messages. */
  readonly endpoint: string;
  /** Removes every known secret, in every form a server may echo it, from `text`. */
  redact(text: string): string;
}

/** Longest vendor text copied into an error. */
export const MAX_VENDOR_TEXT = 200;

/** Printable form of an endpoint: no query string, no fragment (they may carry keys). */
export function describeEndpoint(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * Builds a {@link FlowContext}. `secrets` are the flow's password / client secret; tokens obtained
 * at run time never reach messages in the first place.
 */
export function createFlowContext(
  flow: string,
  endpoint: URL,
  secrets: readonly (string | undefined)[],
): FlowContext {
  const redact = createRedactor(secrets);
  return Object.freeze({
    flow,
    endpoint: describeEndpoint(endpoint),
    redact,
  });
}

/**
 * Redacts secrets, collapses whitespace and cuts to {@link MAX_VENDOR_TEXT} characters.
 * Redaction comes first (a secret with a tab or two spaces would not match once collapsed) and
 * again after collapsing (which may join a secret's characters).
 */
export function safeVendorText(ctx: FlowContext, value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const text = ctx.redact(ctx.redact(value).replace(/\s+/g, ' ').trim());
  if (text.length === 0) return undefined;
  return text.length > MAX_VENDOR_TEXT ? `${text.slice(0, MAX_VENDOR_TEXT - 1)}…` : text;
}

/** Details accepted by {@link flowError}. */
export interface FlowErrorDetails {
  status?: number;
  vendorCode?: string;
  vendorMessage?: string;
  cause?: unknown;
}

/** Creates the one error type flows throw. `message` must already be secret-free. */
export function flowError(
  ctx: FlowContext,
  code: AuthErrorCode,
  message: string,
  details: FlowErrorDetails = {},
): TokenEndpointError {
  return new TokenEndpointError(code, ctx.redact(message), { flow: ctx.flow, ...details });
}

/**
 * A transport failure: the signal fired (timeout) or `fetch` rejected (refused, reset, DNS, TLS).
 * `signals` are checked to tell a timeout from a dropped connection.
 */
export function transportError(
  ctx: FlowContext,
  error: unknown,
  signals: readonly (AbortSignal | undefined)[],
): TokenEndpointError {
  if (error instanceof TokenEndpointError) return error;
  const aborted = signals.some((s) => s?.aborted === true);
  const name = error instanceof Error ? error.name : '';
  if (aborted || name === 'TimeoutError' || name === 'AbortError') {
    return flowError(ctx, 'TOKEN_ENDPOINT_TIMEOUT', `${ctx.endpoint} did not answer in time`, {
      cause: safeCause(ctx, error),
    });
  }
  const reason = networkReason(error);
  return flowError(
    ctx,
    'TOKEN_ENDPOINT_UNREACHABLE',
    `${ctx.endpoint} is unreachable${reason ? ` (${reason})` : ''}`,
    { cause: safeCause(ctx, error) },
  );
}

/** `ECONNREFUSED`, `ENOTFOUND`... from a fetch `TypeError` and its causes. */
function networkReason(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) {
      return current.message.includes(code) ? current.message : `${code}: ${current.message}`;
    }
    current = current.cause;
  }
  return error instanceof Error ? error.message : undefined;
}

/**
 * A flat copy of an error for `cause`: name, code and redacted message only, never the original
 * object graph (openid-client errors keep the parsed response body, tokens included, in `cause`).
 */
export function safeCause(ctx: FlowContext, error: unknown): Error | undefined {
  if (error === undefined) return undefined;
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(ctx.redact(source.message));
  copy.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  const inner = source.cause;
  if (inner instanceof Error) copy.cause = safeCause(ctx, inner);
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}
