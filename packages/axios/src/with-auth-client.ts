import { type AccessToken, AuthClient, AuthConfigError } from '@auth/core';
import axios, {
  type AxiosError,
  type AxiosInstance,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
  isAxiosError,
} from 'axios';
import { redirectRuleFetch } from './redirect-rule-fetch.js';

/**
 * What one request carried: the token, whether a redirect dropped it, whether it is the retry.
 * A class, so axios's config merge keeps the reference instead of copying it.
 */
class Sent {
  dropped = false;
  constructor(
    readonly token: AccessToken,
    readonly retry: boolean,
    readonly callerHook: RedirectHook | undefined,
  ) {}
}

const SENT = Symbol('auth.sent');

type Config = InternalAxiosRequestConfig & { [SENT]?: Sent };
type RedirectHook = NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;

const instrumented = new WeakSet<AxiosInstance>();

/**
 * Installs request and response interceptors on an axios instance so it calls an API the way
 * `client.fetch` does, and returns the instance:
 *
 * - the client's token (cached, refreshed early, one token request for all concurrent callers) is
 *   set only on requests to the client's origins (`baseUrl` plus `allowedOrigins`), judged on the
 *   URL axios builds from `baseURL` and `url`;
 * - a redirect to another origin drops it, with every adapter: Node's http adapter through
 *   `beforeRedirect`, the fetch adapter through a `fetch` that follows redirects by core's rule
 *   (for a token header other than `authorization`, which `fetch` drops itself);
 * - a 401 to a request that carried the token goes through the client's 401 rule
 *   (`client.unauthorized()`); when it says so and the body can be sent again (none, JSON,
 *   string, bytes, URLSearchParams, FormData, Blob; not a stream), the request is sent once more
 *   with the new token, without running the request interceptors again. Otherwise the 401 is
 *   handed back as axios would;
 * - `signal` stops the wait for a token (an axios `CanceledError`); the shared token request
 *   carries on;
 * - a token that cannot be obtained rejects with the client's `AuthError` (a stable `code`); an
 *   `AxiosError` of a call that carried the token does not print it.
 *
 * An instance without `baseURL` gets the client's `baseUrl`. Call it before adding request
 * interceptors of your own (they run before ours, so ours sees the final URL). Works on the
 * `axiosRef` of `@nestjs/axios`'s `HttpService`. A second call on the same instance throws an
 * `AuthConfigError`.
 *
 * @example
 * import axios from 'axios';
 * import { withAuthClient } from '@auth/axios';
 *
 * const alertsite = withAuthClient(axios.create(), clients.alertsite);
 * const { data } = await alertsite.get('devices');
 */
export function withAuthClient<Instance extends AxiosInstance>(
  instance: Instance,
  client: AuthClient,
): Instance {
  if (!(client instanceof AuthClient)) {
    throw new AuthConfigError('client', 'expected an AuthClient from createAuthClients()');
  }
  if (typeof instance?.interceptors?.request?.use !== 'function') {
    throw new AuthConfigError('instance', 'expected an axios instance');
  }
  if (instrumented.has(instance)) {
    throw new AuthConfigError('instance', 'this axios instance already sends a client token');
  }
  instrumented.add(instance);
  instance.defaults.baseURL ??= client.baseUrl;
  // The retry goes through an instance without interceptors: the caller's ran once already.
  const retrier = axios.create();

  /** The client's token for a call; the call's `signal` stops the wait as axios would. */
  const tokenFor = async (config: Config): Promise<AccessToken> => {
    const signal = config.signal instanceof AbortSignal ? config.signal : undefined;
    try {
      return await client.getToken({ signal });
    } catch (error) {
      if (signal?.aborted) throw new CanceledError(undefined, config);
      throw error;
    }
  };

  const authorize = async (config: Config): Promise<Config> => {
    if (!client.mayReceiveToken(instance.getUri(config))) return config;
    return withToken(client, config, await tokenFor(config), false);
  };

  const onUnauthorized = async (
    response: AxiosResponse,
    handBack: () => AxiosResponse,
  ): Promise<AxiosResponse> => {
    const config = response.config as Config;
    const sent = config[SENT];
    if (sent === undefined || sent.dropped) return handBack();
    const retry = await client.unauthorized(sent.token, {
      challenge: challengeOf(response),
      body: config.data,
      retried: sent.retry,
    });
    if (!retry) return handBack();
    return retrier.request(withToken(client, config, await tokenFor(config), true));
  };

  const onResponse = (response: AxiosResponse) => {
    if (response.status === 401) return onUnauthorized(response, () => response);
    // The token worked: a later 401 for it means it was revoked, and renews it at once.
    const sent = (response.config as Config)[SENT];
    if (sent !== undefined && !sent.dropped && response.status >= 200 && response.status < 300) {
      client.acceptToken(sent.token);
    }
    return response;
  };
  const onError = (error: unknown) => {
    if (!isAxiosError(error)) throw error;
    const sent = (error.config as Config | undefined)?.[SENT];
    if (sent !== undefined) hideToken(error, client.tokenHeader(sent.token).name);
    if (error.response?.status !== 401) throw error;
    return onUnauthorized(error.response, () => {
      throw error;
    });
  };

  instance.interceptors.request.use(authorize);
  instance.interceptors.response.use(onResponse, onError);
  retrier.interceptors.response.use(onResponse, onError);
  return instance;
}

/** `config`, now carrying `token` and a redirect hook that drops it on other origins. */
function withToken(client: AuthClient, config: Config, token: AccessToken, retry: boolean): Config {
  const { name, value } = client.tokenHeader(token);
  const previous = config[SENT];
  const callerHook = previous === undefined ? config.beforeRedirect : previous.callerHook;
  const sent = new Sent(token, retry, callerHook);
  const beforeRedirect: RedirectHook = (options, response, request) => {
    if (!sent.dropped && !client.mayReceiveToken(String(options.href))) {
      sent.dropped = true;
      dropHeader(options.headers as Record<string, unknown> | undefined, name);
    }
    callerHook?.(options, response, request);
  };
  config.headers.set(name, value);
  if (name !== 'authorization') {
    const fetchImpl = (config.env?.fetch as typeof fetch | undefined) ?? globalThis.fetch;
    config.env = { ...config.env, fetch: ruleFetchOf(fetchImpl, name) };
  }
  return Object.assign(config, { [SENT]: sent, beforeRedirect });
}

/** One rule-following `fetch` per `fetch` and header name: axios caches its adapter per `fetch`. */
const ruleFetches = new WeakMap<typeof fetch, Map<string, typeof fetch>>();

function ruleFetchOf(fetchImpl: typeof fetch, header: string): typeof fetch {
  let byHeader = ruleFetches.get(fetchImpl);
  if (byHeader === undefined) {
    byHeader = new Map();
    ruleFetches.set(fetchImpl, byHeader);
  }
  let ruleFetch = byHeader.get(header);
  if (ruleFetch === undefined) {
    ruleFetch = redirectRuleFetch(fetchImpl, header) as typeof fetch;
    byHeader.set(header, ruleFetch);
  }
  return ruleFetch;
}

function dropHeader(headers: Record<string, unknown> | undefined, name: string): void {
  for (const key of Object.keys(headers ?? {})) {
    if (key.toLowerCase() === name) delete headers?.[key];
  }
}

/**
 * Keeps the token out of what an error prints (`util.inspect`, `JSON.stringify`, loggers): the
 * header in `error.config` reads `[redacted]` (a retry sets it again) and the sockets' requests,
 * whose raw header text holds it, become non-enumerable (still readable as `error.request`).
 */
function hideToken(error: AxiosError, name: string): void {
  error.config?.headers.set(name, '[redacted]');
  for (const holder of [error, error.response]) {
    if (holder?.request !== undefined) {
      Object.defineProperty(holder, 'request', { enumerable: false });
    }
  }
}

function challengeOf(response: AxiosResponse): string | null {
  const challenge: unknown = response.headers['www-authenticate'];
  return typeof challenge === 'string' ? challenge : null;
}
