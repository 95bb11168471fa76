import type { AuthError, AuthErrorCode } from '@auth/core';
import { HTTPException } from 'hono/http-exception';

/** The `detail` of every {@link AuthProblem}: says what failed, never why in the vendor's words. */
export const AUTH_PROBLEM_DETAIL = 'Could not obtain an access token from an upstream provider';

/** RFC 9457 problem details answered when a token could not be obtained. Secret-free by construction. */
export interface AuthProblem {
  type: 'about:blank';
  title: 'Bad Gateway';
  status: 502;
  /** The {@link AuthError} code, e.g. `TOKEN_ENDPOINT_REJECTED`. */
  code: AuthErrorCode;
  detail: typeof AUTH_PROBLEM_DETAIL;
}

/** The problem-details body for `error`: its stable code and nothing else from it. */
export function authProblem(error: AuthError): AuthProblem {
  return {
    type: 'about:blank',
    title: 'Bad Gateway',
    status: 502,
    code: error.code,
    detail: AUTH_PROBLEM_DETAIL,
  };
}

/**
 * What a token acquisition failure becomes on its way out of a handler: an `HTTPException` with
 * status `502` whose `cause` is the original {@link AuthError}. Hono's default error handler
 * answers with {@link AuthGatewayException.getResponse} (an `application/problem+json`
 * {@link AuthProblem}) and logs nothing; an `app.onError` handler sees it first and may answer
 * differently.
 *
 * @example
 * app.onError((err, c) => {
 *   if (err instanceof AuthGatewayException) {
 *     return c.json({ ...err.problem, requestId: c.req.header('x-request-id') }, 503);
 *   }
 *   if (err instanceof HTTPException) return err.getResponse();
 *   return c.text('Internal Server Error', 500);
 * });
 */
export class AuthGatewayException extends HTTPException {
  /** The token error: `code`, and for `TokenEndpointError` the upstream `status` and vendor code. */
  override readonly cause: AuthError;

  constructor(cause: AuthError) {
    super(502, { message: AUTH_PROBLEM_DETAIL, cause });
    this.name = 'AuthGatewayException';
    this.cause = cause;
  }

  /** The problem-details body this exception answers with. */
  get problem(): AuthProblem {
    return authProblem(this.cause);
  }

  /** A fresh `502 application/problem+json` response on every call. */
  override getResponse(): Response {
    return new Response(JSON.stringify(this.problem), {
      status: 502,
      headers: { 'content-type': 'application/problem+json' },
    });
  }

  /** Safe for logs: the code, never the token, the secret or the vendor's message. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, status: this.status, code: this.cause.code };
  }
}
