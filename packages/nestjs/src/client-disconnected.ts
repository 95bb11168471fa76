import { abortOnDisconnect, type ClosableResponse } from '@auth/core/adapter';
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
 * The abort reason of a request's clients when the client disconnects before the response is
 * sent: outbound calls of that request reject with it. A `DOMException` named `AbortError`, like
 * any aborted `fetch`, so `error.name === 'AbortError'` checks keep working.
 */
export class ClientDisconnectedError extends DOMException {
  constructor() {
    super('The client closed the connection before the response was sent', 'AbortError');
  }
}

/**
 * `abortOnDisconnect()` of `@auth/core` with {@link ClientDisconnectedError} as the reason: aborts
 * when the response closes before it finished.
 * @internal
 */
export function disconnectSignal(response: ClosableResponse): AbortSignal {
  return abortOnDisconnect(response, () => new ClientDisconnectedError());
}

/**
 * Ends a request whose client went away (a {@link ClientDisconnectedError} left the handler)
 * quietly: status 499 on a connection nobody reads any more, one debug log line, instead of
 * Nest's error log with a stack trace for every impatient client.
 *
 * `AuthClientsModule` registers it app-wide next to {@link AuthErrorFilter} unless
 * `exceptionFilter: false`.
 */
@Catch(ClientDisconnectedError)
@Injectable()
export class ClientDisconnectedFilter implements ExceptionFilter<ClientDisconnectedError> {
  readonly #logger = new Logger('AuthClients');

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(error: ClientDisconnectedError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const { httpAdapter } = this.adapterHost;
    this.#logger.debug(
      `Client closed the connection; outbound call aborted on ${requestLine(httpAdapter, http)}`,
    );
    const response = http.getResponse();
    if (httpAdapter.isHeadersSent(response)) return;
    httpAdapter.reply(response, undefined, 499);
  }
}
