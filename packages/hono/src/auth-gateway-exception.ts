import type { AuthError } from '@auth/core';
import {
  PROBLEM_CONTENT_TYPE,
  TOKEN_PROBLEM_DETAIL,
  type TokenProblemDetails,
  tokenProblem,
} from '@auth/core/adapter';
import { HTTPException } from 'hono/http-exception';

/**
 * What a token acquisition failure becomes on its way out of a handler: an `HTTPException` with
 * status `502` whose `cause` is the original {@link AuthError}. Hono's default error handler
 * answers with {@link AuthGatewayException.getResponse} (an `application/problem+json` body,
 * `tokenProblem()` of `@auth/core`) and logs nothing; an `app.onError` handler sees it first and
 * may answer differently.
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
    super(502, { message: TOKEN_PROBLEM_DETAIL, cause });
    this.name = 'AuthGatewayException';
    this.cause = cause;
  }

  /** The problem-details body this exception answers with. */
  get problem(): TokenProblemDetails {
    return tokenProblem(this.cause);
  }

  /** A fresh `502 application/problem+json` response on every call. */
  override getResponse(): Response {
    return new Response(JSON.stringify(this.problem), {
      status: 502,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    });
  }

  /** Safe for logs: the code, never the token, the secret or the vendor's message. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, status: this.status, code: this.cause.code };
  }
}
