import type { AuthError, AuthErrorCode } from '@auth/core';
import type Koa from 'koa';

/** Koa's `HttpError` (from `http-errors`), what `ctx.throw()` creates. */
export type KoaHttpError = InstanceType<typeof Koa.HttpError>;

/** The `detail` of every token failure answer: fixed, so nothing from the request or vendor leaks. */
export const TOKEN_FAILURE_DETAIL = 'Could not obtain an access token from an upstream provider';

/** RFC 9457 problem details body of a token failure (`Content-Type: application/problem+json`). */
export interface TokenProblemDetails {
  type: 'about:blank';
  title: 'Bad Gateway';
  status: 502;
  /** The {@link AuthError}'s stable code, e.g. `TOKEN_ENDPOINT_REJECTED`. */
  code: AuthErrorCode;
  detail: typeof TOKEN_FAILURE_DETAIL;
}

/** The safe body for `error`: its code and nothing else from it. */
export function tokenProblem(error: AuthError): TokenProblemDetails {
  return {
    type: 'about:blank',
    title: 'Bad Gateway',
    status: 502,
    code: error.code,
    detail: TOKEN_FAILURE_DETAIL,
  };
}

/**
 * The `HttpError` Koa's `ctx.throw(502, …)` makes for `error`: `status: 502`, `expose: true`,
 * the safe detail as message, `code` and the original as `cause` (whose text is secret-free).
 *
 * @internal
 */
export function badGateway(ctx: Koa.Context, error: AuthError): KoaHttpError {
  try {
    ctx.throw(502, TOKEN_FAILURE_DETAIL, { expose: true, code: error.code, cause: error });
  } catch (httpError) {
    return httpError as KoaHttpError;
  }
}
