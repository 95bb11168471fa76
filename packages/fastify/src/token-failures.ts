import type { AuthError } from '@auth/core';
import { failureAnswer, PROBLEM_CONTENT_TYPE, tokenProblem } from '@auth/core/adapter';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { boundOf } from './request-clients.js';

/**
 * The error handler {@link authClientsPlugin} gives each route that has none of its own. It only
 * answers what the plugin is about and throws everything else on to the scope's error handler
 * (yours, or Fastify's default):
 *
 * - an `AuthError` (a token could not be obtained): `502` `application/problem+json`
 *   `tokenProblem(error)`, not logged per request (the failed token request is reported once,
 *   through the plugin's `onTokenFailure`);
 * - the abort raised because the client disconnected: `499` on a connection nobody reads any
 *   more, one `debug` log line.
 *
 * @internal
 */
export function answerTokenFailures(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const answer = failureAnswer(error, boundOf(request), reply.raw.headersSent);
  if (answer === 'client-gone') {
    request.log.debug('client closed the connection; outbound call aborted');
    reply.code(499).send();
    return;
  }
  if (answer === 'not-ours') throw error;
  reply
    .code(502)
    .type(PROBLEM_CONTENT_TYPE)
    .send(tokenProblem(error as unknown as AuthError));
}
