import { AuthError, TokenEndpointError } from '@auth/core';
import { PROBLEM_CONTENT_TYPE, tokenProblem } from '@auth/core/adapter';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { requestLine } from './auth-clients.request-line.js';

/**
 * Answers an `AuthError` that leaves a handler (a token could not be obtained) with
 * `502 Bad Gateway` and `tokenProblem(error)` of `@auth/core` as `application/problem+json`, on Express and
 * Fastify. Logs one warning with the code, flow and token endpoint status (never a secret).
 *
 * `AuthClientsModule` registers it app-wide (`APP_FILTER`) unless `exceptionFilter: false`.
 * Catch the error in the handler, or bind your own filter for `AuthError` to the controller or
 * method, to answer differently. Other errors and non-HTTP contexts are not its business.
 */
@Catch(AuthError)
@Injectable()
export class AuthErrorFilter implements ExceptionFilter<AuthError> {
  readonly #logger = new Logger('AuthClients');

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(error: AuthError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const { httpAdapter } = this.adapterHost;
    this.#logger.warn(describe(error, requestLine(httpAdapter, http)));
    const response = http.getResponse();
    if (httpAdapter.isHeadersSent(response)) {
      httpAdapter.end(response);
      return;
    }
    httpAdapter.setHeader(response, 'content-type', PROBLEM_CONTENT_TYPE);
    httpAdapter.reply(response, JSON.stringify(tokenProblem(error)), 502);
  }
}

/** One log line: what failed and where, from secret-free fields only. */
function describe(error: AuthError, request: string): string {
  const parts = [`${error.name} ${error.code}`];
  if (error instanceof TokenEndpointError) {
    parts.push(`flow=${error.flow}`);
    if (error.status !== undefined) parts.push(`status=${error.status}`);
    if (error.vendorCode !== undefined)
      parts.push(`vendorCode=${JSON.stringify(error.vendorCode)}`);
  }
  parts.push(`on ${request}`);
  return `${parts.join(' ')}: answered 502`;
}
