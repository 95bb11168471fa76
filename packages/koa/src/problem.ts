import type { AuthError } from '@auth/core';
import { TOKEN_PROBLEM_DETAIL } from '@auth/core/adapter';
import type Koa from 'koa';

/** Koa's `HttpError` (from `http-errors`), what `ctx.throw()` creates. */
export type KoaHttpError = InstanceType<typeof Koa.HttpError>;

/**
 * The `HttpError` Koa's `ctx.throw(502, …)` makes for `error`: `status: 502`, `expose: true`,
 * the safe detail as message, `code` and the original as `cause` (whose text is secret-free).
 *
 * @internal
 */
export function badGateway(ctx: Koa.Context, error: AuthError): KoaHttpError {
  try {
    ctx.throw(502, TOKEN_PROBLEM_DETAIL, { expose: true, code: error.code, cause: error });
  } catch (httpError) {
    return httpError as KoaHttpError;
  }
}
