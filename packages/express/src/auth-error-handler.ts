import { failureAnswer, PROBLEM_CONTENT_TYPE, tokenProblem } from '@auth/core/adapter';
import type { ErrorRequestHandler } from 'express';
import { boundOf } from './request-clients.js';

/**
 * Express error middleware for what {@link authClients} cannot see (a middleware does not see a
 * route's rejection): put it after your routes.
 *
 * - An `AuthError` of `@auth/core` (a token could not be obtained: endpoint down, credentials
 *   rejected, malformed answer, store unavailable) is answered `502 Bad Gateway` with an
 *   `application/problem+json` body `{ type, title, status, code, detail }` carrying the error's
 *   `code` only, never a secret or the vendor's message. If the response has already started,
 *   the error goes on to `next(error)`.
 * - The abort raised because the client disconnected ends the request quietly (nobody is left to
 *   answer), instead of Express's default 500 with a logged stack trace.
 * - Every other error goes on to `next(error)` untouched.
 *
 * On Express 4, an async route must hand its rejection to `next` itself (`.catch(next)`);
 * Express 5 does it for you.
 *
 * @example
 * app.use(authClients(clients));
 * app.get('/devices', async (req, res) => { ... });
 * app.use(authErrorHandler());
 */
export function authErrorHandler(): ErrorRequestHandler {
  return function authErrorHandler(error, req, res, next) {
    const answer = failureAnswer(error, boundOf(req), res.headersSent);
    if (answer === 'client-gone') return;
    if (answer === 'not-ours') next(error);
    else res.status(502).type(PROBLEM_CONTENT_TYPE).json(tokenProblem(error));
  };
}
