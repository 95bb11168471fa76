/**
 * The one place that maps openid-client / oauth4webapi errors onto {@link TokenEndpointError}
 * codes. Causes are replaced by flat, redacted copies: openid-client keeps the parsed response
 * body (tokens included) in its errors' `cause`.
 */
import { ClientError, ResponseBodyError, WWWAuthenticateChallengeError } from 'openid-client';
import { AuthError, type AuthErrorCode, TokenEndpointError } from '../../errors.js';
import {
  type FlowContext,
  flowError,
  safeCause,
  safeVendorText,
  transportError,
} from '../flow-context.js';

/** openid-client `ClientError.code` → our code, for answers with a 2xx status. */
const CODES: Readonly<Record<string, AuthErrorCode>> = {
  OAUTH_RESPONSE_IS_NOT_JSON: 'TOKEN_RESPONSE_NOT_JSON',
  OAUTH_PARSE_ERROR: 'TOKEN_RESPONSE_NOT_JSON',
  OAUTH_RESPONSE_IS_NOT_CONFORM: 'TOKEN_RESPONSE_INVALID',
  OAUTH_INVALID_RESPONSE: 'TOKEN_RESPONSE_INVALID',
  OAUTH_UNSUPPORTED_OPERATION: 'TOKEN_RESPONSE_INVALID',
  OAUTH_JSON_ATTRIBUTE_COMPARISON: 'TOKEN_RESPONSE_INVALID',
  OAUTH_INVALID_SERVER_METADATA: 'TOKEN_RESPONSE_INVALID',
  OAUTH_MISSING_SERVER_METADATA: 'TOKEN_RESPONSE_INVALID',
  OAUTH_HTTP_REQUEST_FORBIDDEN: 'TOKEN_RESPONSE_INVALID',
  OAUTH_REQUEST_PROTOCOL_FORBIDDEN: 'TOKEN_RESPONSE_INVALID',
  OAUTH_TIMEOUT: 'TOKEN_ENDPOINT_TIMEOUT',
  OAUTH_ABORT: 'TOKEN_ENDPOINT_TIMEOUT',
};

/** Human wording per openid-client code (its own messages are terse). */
const WORDING: Readonly<Record<string, string>> = {
  OAUTH_RESPONSE_IS_NOT_JSON: 'answered a body that is not JSON',
  OAUTH_PARSE_ERROR: 'answered a body that is not JSON',
  OAUTH_RESPONSE_IS_NOT_CONFORM: 'answered an unexpected HTTP status (only 200 is a token)',
  OAUTH_UNSUPPORTED_OPERATION: 'answered an unsupported token_type (only bearer)',
  OAUTH_HTTP_REQUEST_FORBIDDEN: 'advertises a token endpoint that is not https:',
  OAUTH_TIMEOUT: 'did not answer in time',
  OAUTH_ABORT: 'did not answer in time',
};

/**
 * Maps anything thrown while running an openid-client grant to a {@link TokenEndpointError}.
 * `signals` tell a timeout from a dropped connection; `lastStatus` is the HTTP status of the
 * answer being processed, when one arrived.
 */
export function mapOpenIdError(
  ctx: FlowContext,
  error: unknown,
  signals: readonly (AbortSignal | undefined)[],
  lastStatus?: number,
): TokenEndpointError {
  const own = findOwn(ctx, error);
  if (own) return own;

  if (error instanceof ResponseBodyError) {
    const vendorCode = safeVendorText(ctx, error.error);
    const vendorMessage = safeVendorText(ctx, error.error_description);
    const said = [vendorCode, vendorMessage].filter(Boolean).join(': ');
    return flowError(
      ctx,
      'TOKEN_ENDPOINT_REJECTED',
      `${ctx.endpoint} answered HTTP ${error.status}${said ? ` (${said})` : ''}`,
      { status: error.status, vendorCode, vendorMessage, cause: safeCause(ctx, error) },
    );
  }

  if (error instanceof WWWAuthenticateChallengeError) {
    const params = error.cause[0]?.parameters ?? {};
    const vendorCode = safeVendorText(ctx, params.error);
    const vendorMessage = safeVendorText(ctx, params.error_description);
    return flowError(
      ctx,
      'TOKEN_ENDPOINT_REJECTED',
      `${ctx.endpoint} answered HTTP ${error.status} with an authentication challenge`,
      { status: error.status, vendorCode, vendorMessage, cause: safeCause(ctx, error) },
    );
  }

  const code = (error as { code?: unknown } | null)?.code;
  if ((error instanceof ClientError || error instanceof TypeError) && typeof code === 'string') {
    const status = responseStatus(error) ?? lastStatus;
    if (status !== undefined && (status < 200 || status >= 300)) {
      return flowError(ctx, 'TOKEN_ENDPOINT_REJECTED', `${ctx.endpoint} answered HTTP ${status}`, {
        status,
        cause: safeCause(ctx, error),
      });
    }
    const mapped = CODES[code];
    if (mapped === 'TOKEN_ENDPOINT_TIMEOUT') return transportError(ctx, error, signals);
    if (mapped !== undefined) {
      // openid-client's own message is generic; the wrapped oauth4webapi one names the field.
      const detail = error.cause instanceof Error ? error.cause.message : error.message;
      const wording = WORDING[code] ?? `answered an invalid token response: ${detail}`;
      return flowError(ctx, mapped, `${ctx.endpoint} ${wording}`, {
        ...(status === undefined ? {} : { status }),
        cause: safeCause(ctx, error),
      });
    }
  }

  // Network failures (`TypeError: fetch failed`), timeouts, aborts.
  if (
    error instanceof TypeError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) ||
    signals.some((s) => s?.aborted === true)
  ) {
    return transportError(ctx, error, signals);
  }

  const name = error instanceof Error ? error.name : typeof error;
  return flowError(
    ctx,
    'TOKEN_RESPONSE_INVALID',
    `${ctx.endpoint}: unexpected openid-client failure (${name})`,
    { cause: safeCause(ctx, error) },
  );
}

/**
 * Our own error, thrown inside `customFetch` or a client authentication and wrapped by
 * openid-client (`cause` chain). A key that cannot sign becomes this flow's error.
 */
function findOwn(ctx: FlowContext, error: unknown): TokenEndpointError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof TokenEndpointError) return current;
    if (current instanceof AuthError && current.code === 'CLIENT_KEY_INVALID') {
      return flowError(ctx, current.code, current.message);
    }
    current = current.cause;
  }
  return undefined;
}

/** The HTTP status openid-client attached to an error (it keeps the `Response` as `cause`). */
function responseStatus(error: Error): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (current instanceof Response) return current.status;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
