import { AuthError, PROBLEM_CONTENT_TYPE, tokenProblem } from '@auth/core';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Inject,
  Injectable,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Answers an `AuthError` that leaves a handler (a token could not be obtained) with
 * `502 Bad Gateway` and `tokenProblem(error)` of `@auth/core` as `application/problem+json`, on Express and
 * Fastify. It logs nothing per request: `AuthClientsModule` logs each failed token request once
 * (through Nest's `Logger`, context `AuthClients`), however many requests were waiting on it.
 *
 * `AuthClientsModule` registers it app-wide (`APP_FILTER`) unless `exceptionFilter: false`.
 * Catch the error in the handler, or bind your own filter for `AuthError` to the controller or
 * method, to answer differently. Other errors and non-HTTP contexts are not its business.
 */
@Catch(AuthError)
@Injectable()
export class AuthErrorFilter implements ExceptionFilter<AuthError> {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(error: AuthError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const { httpAdapter } = this.adapterHost;
    const response = http.getResponse();
    if (httpAdapter.isHeadersSent(response)) {
      httpAdapter.end(response);
      return;
    }
    httpAdapter.setHeader(response, 'content-type', PROBLEM_CONTENT_TYPE);
    httpAdapter.reply(response, JSON.stringify(tokenProblem(error)), 502);
  }
}
