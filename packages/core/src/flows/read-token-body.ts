/**
 * The HTTP half every flow shares: send one request to a token endpoint with the manager's `fetch`
 * and signal, read the body up to a byte limit without buffering the rest, turn error statuses into
 * a {@link TokenEndpointError} carrying the vendor's own code and message, and parse JSON bodies.
 */

import type { FlowRequest } from '../engine/token-flow.js';
import type { TokenEndpointError } from '../errors.js';
import { type FlowContext, flowError, safeVendorText, transportError } from './flow-context.js';

/** An answer of a token endpoint, read within the byte limit. */
export interface RawTokenResponse {
  status: number;
  headers: Headers;
  /** The body as UTF-8 text (at most `maxResponseBytes` bytes of it). */
  text: string;
  /** `true` when the body was longer than the limit; `text` then holds only its start. */
  truncated: boolean;
}

/** What {@link sendTokenRequest} sends. */
export interface TokenRequestInit {
  method?: string;
  headers: Record<string, string> | Headers;
  body?: string | URLSearchParams | null;
  /** An extra signal to honour besides `req.signal` (openid-client passes its own). */
  signal?: AbortSignal | undefined;
}

/**
 * Hint appended to a rejection message (e.g. "a required field is probably missing"), from the
 * status and the vendor's error; `undefined` for the default hint.
 */
export type RejectionHint = (status: number, vendor: VendorError) => string | undefined;

/**
 * Sends one token request and reads the answer within `req.maxResponseBytes`.
 * Redirects are not followed: credentials are never re-sent to another URL.
 *
 * @throws TokenEndpointError `TOKEN_ENDPOINT_UNREACHABLE` or `TOKEN_ENDPOINT_TIMEOUT`.
 */
export async function sendTokenRequest(
  ctx: FlowContext,
  req: FlowRequest,
  url: URL | string,
  init: TokenRequestInit,
): Promise<RawTokenResponse> {
  const signals = [req.signal, init.signal];
  const signal = init.signal ? AbortSignal.any([req.signal, init.signal]) : req.signal;
  let response: Response;
  try {
    response = await req.fetch(typeof url === 'string' ? url : url.href, {
      method: init.method ?? 'POST',
      headers: init.headers,
      body: init.body ?? null,
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    throw transportError(ctx, error, signals);
  }
  try {
    const { bytes, truncated } = await readBounded(response, req.maxResponseBytes);
    return {
      status: response.status,
      headers: response.headers,
      text: new TextDecoder('utf-8').decode(bytes),
      truncated,
    };
  } catch (error) {
    throw transportError(ctx, error, signals);
  }
}

/**
 * Reads at most `limit` bytes of `response`'s body. Stops reading and cancels the stream as soon as
 * the limit is passed (or when `content-length` already announces more).
 */
export async function readBounded(
  response: Response,
  limit: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const body = response.body;
  if (body === null) return { bytes: new Uint8Array(0), truncated: false };
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await body.cancel().catch(() => undefined);
    return { bytes: new Uint8Array(0), truncated: true };
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      size = limit;
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, truncated };
}

/** `true` for 2xx. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The vendor's own error code and message, as far as the body tells. */
export interface VendorError {
  vendorCode?: string;
  vendorMessage?: string;
}

/**
 * Extracts the vendor's code and message from an error body. Understands AlertSite
 * `{"errors":[{"code","message"}]}`, RFC 6749 §5.2 `error` / `error_description`, FastAPI-style
 * `detail` (string or list of `{msg}`), `message` / `code`, RFC 9457 `title` / `detail`, and plain
 * text bodies (trimmed, cut to 200 characters; HTML pages are ignored).
 */
export function extractVendorError(ctx: FlowContext, text: string): VendorError {
  const json = tryParseJson(text);
  if (json === undefined) {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.startsWith('<')) return {};
    return pick(ctx, undefined, trimmed);
  }
  if (!isRecord(json)) return typeof json === 'string' ? pick(ctx, undefined, json) : {};
  if (Array.isArray(json.errors) && isRecord(json.errors[0])) {
    const first = json.errors[0];
    return pick(ctx, first.code ?? first.error, first.message ?? first.detail);
  }
  if (isRecord(json.error)) {
    return pick(ctx, json.error.code, json.error.message ?? json.error.description);
  }
  if (typeof json.error === 'string') {
    return pick(ctx, json.error, json.error_description ?? json.message);
  }
  if (Array.isArray(json.detail)) {
    const messages = json.detail
      .map((d) => (isRecord(d) ? d.msg : d))
      .filter((m): m is string => typeof m === 'string');
    return pick(ctx, json.code, messages.join('; '));
  }
  return pick(ctx, json.code, json.detail ?? json.message ?? json.error_description ?? json.title);
}

function pick(ctx: FlowContext, code: unknown, message: unknown): VendorError {
  const out: VendorError = {};
  const vendorCode = safeVendorText(ctx, code);
  const vendorMessage = safeVendorText(ctx, message);
  if (vendorCode !== undefined) out.vendorCode = vendorCode;
  if (vendorMessage !== undefined) out.vendorMessage = vendorMessage;
  return out;
}

/** The `TOKEN_ENDPOINT_REJECTED` error for a non-2xx answer. */
export function rejectedError(
  ctx: FlowContext,
  raw: RawTokenResponse,
  hint?: RejectionHint,
): TokenEndpointError {
  const vendor = extractVendorError(ctx, raw.text);
  const said = [vendor.vendorCode, vendor.vendorMessage].filter(Boolean).join(': ');
  const extra = hint?.(raw.status, vendor) ?? defaultHint(raw.status);
  return flowError(
    ctx,
    'TOKEN_ENDPOINT_REJECTED',
    `${ctx.endpoint} answered HTTP ${raw.status}${said ? ` (${said})` : ''}${extra ? `; ${extra}` : ''}`,
    { status: raw.status, ...vendor },
  );
}

function defaultHint(status: number): string | undefined {
  if (status === 400 || status === 401 || status === 403) return 'check the credentials';
  if (status >= 300 && status < 400) return 'redirects are not followed for token requests';
  return undefined;
}

/**
 * Checks the answer of a token request and returns its JSON object.
 *
 * @throws TokenEndpointError `TOKEN_ENDPOINT_REJECTED` (non-2xx), `TOKEN_RESPONSE_TOO_LARGE`,
 *   `TOKEN_RESPONSE_NOT_JSON`, or `TOKEN_RESPONSE_INVALID` (JSON but not an object).
 */
export function parseTokenBody(
  ctx: FlowContext,
  raw: RawTokenResponse,
  hint?: RejectionHint,
): Record<string, unknown> {
  if (!isSuccess(raw.status)) throw rejectedError(ctx, raw, hint);
  if (raw.truncated) throw tooLargeError(ctx, raw.status);
  const json = tryParseJson(raw.text);
  if (json === undefined) {
    const type = raw.headers.get('content-type') ?? 'no content-type';
    throw flowError(
      ctx,
      'TOKEN_RESPONSE_NOT_JSON',
      `${ctx.endpoint} answered HTTP ${raw.status} with a body that is not JSON (${type.split(';')[0]})`,
      { status: raw.status },
    );
  }
  if (!isRecord(json)) {
    throw flowError(
      ctx,
      'TOKEN_RESPONSE_INVALID',
      `${ctx.endpoint} answered JSON that is not an object`,
      { status: raw.status },
    );
  }
  return json;
}

/** The `TOKEN_RESPONSE_TOO_LARGE` error. */
export function tooLargeError(ctx: FlowContext, status: number): TokenEndpointError {
  return flowError(
    ctx,
    'TOKEN_RESPONSE_TOO_LARGE',
    `${ctx.endpoint} answered a body larger than the limit (maxTokenResponseBytes)`,
    { status },
  );
}

/** `JSON.parse`, or `undefined` for anything that is not JSON. */
export function tryParseJson(text: string): unknown {
  if (text.trim().length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
