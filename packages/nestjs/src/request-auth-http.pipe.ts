import type { HttpService } from '@nestjs/axios';
import { type ExecutionContext, Inject, Injectable, type PipeTransform } from '@nestjs/common';
import type { AuthClientsBinder } from './auth-clients.binder.js';
import { AUTH_CLIENTS_BINDER } from './auth-clients.constants.js';
import { authHttpOf, loadAuthHttp } from './auth-http.js';
import { disconnectSignal } from './client-disconnected.js';
import { httpExchangeOf } from './request-auth-clients.pipe.js';

/**
 * Turns the execution context `@AuthHttp()` extracts into the request's `HttpService`s, over the
 * same request-bound registry view `@AuthClients()` gives. @internal
 */
@Injectable()
export class RequestAuthHttpPipe
  implements PipeTransform<ExecutionContext, Promise<Record<string, HttpService>>>
{
  constructor(@Inject(AUTH_CLIENTS_BINDER) private readonly binder: AuthClientsBinder) {}

  async transform(context: ExecutionContext): Promise<Record<string, HttpService>> {
    const exchange = httpExchangeOf(context);
    const { rawResponse } = exchange;
    return authHttpOf(this.binder.bind(exchange), await loadAuthHttp(), () =>
      rawResponse === undefined ? undefined : disconnectSignal(rawResponse),
    );
  }
}
