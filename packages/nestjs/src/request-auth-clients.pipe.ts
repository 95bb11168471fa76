import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthClients } from '@auth/core';
import { type ExecutionContext, Inject, Injectable, type PipeTransform } from '@nestjs/common';
import type { AuthClientsBinder, HttpExchange } from './auth-clients.binder.js';
import { AUTH_CLIENTS_BINDER } from './auth-clients.constants.js';
import type { PlatformRequest } from './auth-clients.options.js';

/**
 * Turns the execution context `@AuthClients()` extracts into the request's registry view. A pipe,
 * because pipes are resolved by dependency injection in the controller's module: that is how a
 * singleton parameter decorator reaches the application's registry without request scope.
 * @internal
 */
@Injectable()
export class RequestAuthClientsPipe
  implements PipeTransform<ExecutionContext, AuthClients<string>>
{
  constructor(@Inject(AUTH_CLIENTS_BINDER) private readonly binder: AuthClientsBinder) {}

  transform(context: ExecutionContext): AuthClients<string> {
    return this.binder.bind(httpExchangeOf(context));
  }
}

/** Express and Fastify requests and responses, reduced to what a request view needs. @internal */
export function httpExchangeOf(context: ExecutionContext): HttpExchange {
  if (context?.getType?.() !== 'http') {
    throw new TypeError('@AuthClients() and @AuthHttp() work in HTTP controllers only');
  }
  const http = context.switchToHttp();
  const request = http.getRequest<PlatformRequest & { raw?: IncomingMessage }>();
  const response = http.getResponse<
    (ServerResponse & { raw?: undefined }) | { raw: ServerResponse }
  >();
  return {
    request,
    // Fastify wraps the Node objects (`request.raw`, `reply.raw`); Express extends them.
    rawRequest: request.raw ?? (request as unknown as IncomingMessage),
    rawResponse: response?.raw ?? (response as ServerResponse | undefined),
  };
}
