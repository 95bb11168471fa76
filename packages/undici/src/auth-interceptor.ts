import { AuthClient, AuthConfigError } from '@auth/core';
import { dispatchOrigin } from '@auth/core/adapter';
import type { Dispatcher } from 'undici';
import { AuthorizedDispatch } from './authorized-dispatch.js';

/**
 * An interceptor for `Dispatcher.compose()` that gives every request the rules of `client.fetch`,
 * taking each decision from `@auth/core`:
 *
 * - the client's token (cached, refreshed early, one token request for all concurrent callers) is
 *   set only on requests whose connection goes to the client's origins (`baseUrl` plus
 *   `allowedOrigins`): the dispatch's `origin`, never a host named in its `path`;
 * - a 401 to a request that carried it goes through the client's 401 rule
 *   (`client.unauthorized()`); when the rule says so and the body can be sent again (none, string,
 *   bytes, `FormData`, `Blob`; not a stream), the request is dispatched once more with the new
 *   token. Otherwise the 401 is handed on, body and all;
 * - an abort (a `signal` of `request()` or `fetch()`) stops the wait for a token; the shared token
 *   request carries on;
 * - a token that cannot be obtained fails the request with the client's `AuthError`.
 *
 * Compose it **before** `interceptors.redirect()`: the redirect interceptor then sends each hop
 * through this one, which sets the token for the client's origins only. (`fetch` follows redirects
 * itself and always does.) A redirect interceptor composed the other way round never follows a
 * redirect of a request that carries the token: the 3xx is handed back. `fetch` hands the
 * dispatcher every request body as a stream, so a `fetch` with a body gets a 401 back (and the
 * next call has the new token); `request()` with a string, `Buffer` or `FormData` body is retried.
 *
 * @example
 * import { Agent, interceptors, request } from 'undici';
 * import { authInterceptor } from '@auth/undici';
 *
 * const alertsite = new Agent().compose(
 *   authInterceptor(clients.alertsite),
 *   interceptors.redirect({ maxRedirections: 5 }),
 * );
 * const { body } = await request(new URL('devices', clients.alertsite.baseUrl), {
 *   dispatcher: alertsite,
 * });
 */
export function authInterceptor(client: AuthClient): Dispatcher.DispatcherComposeInterceptor {
  if (!(client instanceof AuthClient)) {
    throw new AuthConfigError('client', 'expected an AuthClient from createAuthClients()');
  }
  return (dispatch) =>
    function authDispatch(options, handler) {
      const origin = dispatchOrigin(options.origin);
      if (origin === undefined || !client.mayReceiveToken(origin)) {
        return dispatch(options, handler);
      }
      new AuthorizedDispatch(client, dispatch, options, handler).start();
      return true;
    };
}
