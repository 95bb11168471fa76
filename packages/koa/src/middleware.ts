import { type AuthClients, type AuthError, isAuthError } from '@auth/core';
import {
  failureAnswer,
  PROBLEM_CONTENT_TYPE,
  resolveAdapterOptions,
  tokenProblem,
} from '@auth/core/adapter';
import type { Context, Middleware } from 'koa';
import type { AuthClientsOptions } from './options.js';
import { badGateway } from './problem.js';
import { boundOf, enter, leave } from './request-clients.js';
import { tokenFailureApps } from './token-failure-error.js';

/**
 * Koa middleware that puts a registry of authenticated clients on `ctx.authClients`, bound to
 * each request: calls carry the request's tenant and correlation headers and are aborted when
 * the client disconnects. The view is built on first access, so routes that never use it pay
 * one property write.
 *
 * Options are validated now: a mistake throws an `AuthConfigError` naming the option.
 *
 * Errors: an `AuthError` from below (a token could not be obtained) is answered `502` with an
 * `application/problem+json` body `{ type, title, status, code, detail }` that carries the
 * error's `code` only. The failed token request itself is reported once, however many requests
 * were waiting on it: `app.emit('error', tokenFailureError)` with a {@link TokenFailureError}
 * (rate-limited to one per client per minute), which Koa's default error logger prints as one
 * line. Other errors pass through untouched. The abort caused by a client disconnect ends the
 * request quietly.
 *
 * @example
 * import Koa from 'koa';
 * import { authClients } from '@auth/koa';
 *
 * const app = new Koa();
 * app.use(authClients(clients, { tenant: (ctx) => ctx.get('x-tenant-id') || undefined }));
 * app.use(async (ctx) => {
 *   const res = await ctx.authClients.alertsite.fetch('devices');
 *   ctx.body = await res.json();
 * });
 */
export function authClients<Name extends string>(
  clients: AuthClients<Name>,
  options?: AuthClientsOptions,
): Middleware {
  const config = resolveAdapterOptions<Context>(clients, options);
  const reportedApps = tokenFailureApps(config.clients);
  return async function authClientsMiddleware(ctx, next) {
    reportedApps.add(ctx.app);
    const outer = enter(ctx, config);
    try {
      await next();
    } catch (error) {
      const answer = failureAnswer(error, boundOf(ctx), ctx.headerSent || !ctx.writable);
      if (answer === 'client-gone') return;
      if (answer === 'not-ours') throw isAuthError(error) ? badGateway(ctx, error) : error;
      ctx.body = tokenProblem(error as AuthError);
      ctx.status = 502;
      ctx.type = PROBLEM_CONTENT_TYPE;
    } finally {
      leave(ctx, outer);
    }
  };
}
