import { type AuthClient, type AuthClients, AuthConfigError } from '@auth/core';
import type { HttpService } from '@nestjs/axios';

/** Makes an authenticated `HttpService` for a client; `signal` aborts all its calls. */
export type AuthHttpFactory = (client: AuthClient, signal?: AbortSignal) => HttpService;

let loading: Promise<AuthHttpFactory> | undefined;

/**
 * Loads the optional peers (`@nestjs/axios`, `axios`, `@auth/axios`) once and returns the
 * factory: a fresh axios instance with `withAuthClient` interceptors, wrapped in an `HttpService`.
 * A missing peer is an `AuthConfigError` naming the packages to install.
 * @internal
 */
export function loadAuthHttp(): Promise<AuthHttpFactory> {
  loading ??= Promise.all([import('@nestjs/axios'), import('axios'), import('@auth/axios')]).then(
    ([{ HttpService }, { default: axios }, { withAuthClient }]) =>
      (client: AuthClient, signal?: AbortSignal) =>
        new HttpService(withAuthClient(axios.create({ signal }), client)),
    (cause: unknown) => {
      loading = undefined;
      throw new AuthConfigError(
        'InjectAuthHttp',
        `an authenticated HttpService needs the packages @nestjs/axios, axios and @auth/axios (${cause instanceof Error ? cause.message : String(cause)})`,
      );
    },
  );
  return loading;
}

/**
 * The request's `HttpService`s over its registry view, each made on first read, their calls
 * aborted by the request's `signal()` (asked for once, on the first read). @internal
 */
export function authHttpOf(
  clients: AuthClients<string>,
  create: AuthHttpFactory,
  signal: () => AbortSignal | undefined,
): Record<string, HttpService> {
  let requestSignal: AbortSignal | undefined;
  const made = new Map<string, HttpService>();
  const http = {};
  for (const name of clients.names) {
    Object.defineProperty(http, name, {
      enumerable: true,
      get: () => {
        let service = made.get(name);
        if (service === undefined) {
          requestSignal ??= signal();
          service = create(clients[name] as AuthClient, requestSignal);
          made.set(name, service);
        }
        return service;
      },
    });
  }
  return http as Record<string, HttpService>;
}
