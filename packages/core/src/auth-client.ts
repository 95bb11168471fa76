import type { RequestContext } from './client-options.js';
import { combineSignals } from './combine-signals.js';
import { withDeadline } from './deadline.js';
import type { UnauthorizedAction } from './events.js';
import { isReplayableBody } from './request-body.js';
import type { AccessToken } from './token.js';
import type { TokenManager } from './token-manager.js';

/** The parts of a client shared by all its request-bound views. Built by {@link createAuthClient}. */
export interface AuthClientCore {
  readonly name: string;
  readonly baseUrl: URL;
  readonly manager: TokenManager;
  /** Origins that may receive the token: the base URL's plus the allow-list. */
  readonly tokenOrigins: ReadonlySet<string>;
  readonly header: string;
  readonly scheme: string | undefined;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
  /** The manager's monotonic clock, ms: measures call latency. */
  readonly monotonic: () => number;
}

/** Options of {@link AuthClient.getToken}. */
export interface ClientGetTokenOptions {
  /** Stop waiting when it aborts (the shared token request carries on). */
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers `fetch` drops on a cross-origin redirect (undici), besides the client's token header. */
const CROSS_ORIGIN_DROPPED = ['authorization', 'cookie', 'proxy-authorization'];
/** Headers that describe a body, dropped with it when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type'];

/**
 * A `fetch` bound to one API: relative URLs resolve against `baseUrl`, the token is attached for
 * the API's own origin (and `allowedOrigins`) only, never on a cross-origin redirect, and a 401 is
 * retried once with a fresh token when the body can be sent again.
 *
 * Get one from {@link @auth/core!createAuthClients} or {@link @auth/core!createAuthClient}.
 * `withContext()` returns a cheap view bound to one incoming request (signal, tenant, correlation
 * headers).
 *
 * @example
 * const res = await clients.alertsite.fetch('devices');
 * const view = clients.alertsite.withContext({ signal: req.signal, tenant: 'acme' });
 */
export class AuthClient {
  readonly #core: AuthClientCore;
  readonly #context: RequestContext;

  /** @internal Use {@link createAuthClient} or {@link createAuthClients}. */
  constructor(core: AuthClientCore, context: RequestContext = {}) {
    this.#core = core;
    this.#context = context;
  }

  /** The client's name in its registry. */
  get name(): string {
    return this.#core.name;
  }

  /** The API base URL that relative request URLs resolve against. */
  get baseUrl(): string {
    return this.#core.baseUrl.href;
  }

  /**
   * Standard `fetch` with the token attached. Bound: safe to pass around as a function.
   * Aborted by `init.signal` or the view's signal. Rejects with a `TimeoutError` when the response
   * headers have not arrived within `timeoutMs` (30 s); the call is then abandoned, not aborted
   * (pass `AbortSignal.timeout(ms)` as `init.signal` to abort it).
   */
  readonly fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    withDeadline(this.#fetch(input, init), this.#core.timeoutMs, discardResponse);

  /**
   * Whether a request to `url` may carry this client's token: its origin is the base URL's or one
   * of `allowedOrigins`. A relative `url` resolves against `baseUrl`. For libraries that send the
   * token themselves (`@auth/axios`, `@auth/undici`); `fetch` checks it on every hop.
   *
   * @example
   * client.mayReceiveToken('devices'); // true
   * client.mayReceiveToken('https://elsewhere.example/'); // false
   */
  mayReceiveToken(url: string | URL): boolean {
    return this.#core.tokenOrigins.has(new URL(url, this.#core.baseUrl).origin);
  }

  /**
   * The request header that carries `token` for this client: its lower-case `name` (the `header`
   * option, default `authorization`) and `value` (`Bearer <token>` by default, per `scheme`).
   * Contains the token: never log it.
   *
   * @example
   * const { name, value } = client.tokenHeader(await client.getToken());
   */
  tokenHeader(token: AccessToken): { readonly name: string; readonly value: string } {
    return { name: this.#core.header, value: this.#credential(token) };
  }

  /** A valid token for this client (and this view's tenant). Never logs or prints its value. */
  async getToken(options: ClientGetTokenOptions = {}): Promise<AccessToken> {
    const call = combineSignals([options.signal, this.#context.signal]);
    try {
      return await withDeadline(this.#token(call.signal), this.#core.timeoutMs);
    } finally {
      call.release();
    }
  }

  /**
   * Report that the API answered 401 to a request that carried `token`, for code that calls the
   * API by other means than {@link fetch} (axios, undici...). `challenge` is the response's
   * `WWW-Authenticate` header. Applies the same 401 rule as `fetch`:
   * - `renewed` (the token was dropped) or `stale` (already replaced): send the call once more
   *   with `await getToken()`;
   * - `limited` (the current token was itself obtained because of a 401 moments ago) or
   *   `ignored` (the challenge is about something else, e.g. `insufficient_scope`): hand the 401
   *   back; do not retry.
   *
   * Never throws: a store failure while dropping the token is reported as an event.
   *
   * @example
   * if (res.status === 401) {
   *   const action = await client.rejectToken(token, res.headers.get('www-authenticate'));
   *   if (action === 'renewed' || action === 'stale') res = await send(await client.getToken());
   * }
   */
  async rejectToken(token: AccessToken, challenge?: string | null): Promise<UnauthorizedAction> {
    const tenant = this.#context.tenant;
    const action = await this.#core.manager.reject(token, tenant, challenge);
    this.#core.manager.reportUnauthorized(
      tenant,
      action,
      action === 'renewed' || action === 'stale',
    );
    return action;
  }

  /** A view of this client bound to one request. Cheap: no token work happens until it is used. */
  withContext(context: RequestContext): AuthClient {
    return new AuthClient(this.#core, {
      ...this.#context,
      ...context,
      headers: { ...this.#context.headers, ...context.headers },
    });
  }

  /** Safe description for logs: no token, no secret. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, baseUrl: this.baseUrl, tenant: this.#context.tenant };
  }

  async #fetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const core = this.#core;
    const url = input instanceof Request ? new URL(input.url) : new URL(input, core.baseUrl);
    const request = input instanceof Request ? { ...requestInit(input), ...init } : init;
    const call = combineSignals([request.signal, this.#context.signal]);
    try {
      if (!core.tokenOrigins.has(url.origin)) {
        return (await this.#send(url, request, undefined, call.signal)).response;
      }
      const token = await this.#token(call.signal);
      const sentAt = core.monotonic();
      const first = await this.#send(url, request, token, call.signal);
      core.manager.observeLatency(core.monotonic() - sentAt);
      if (first.response.status !== 401 || !first.tokenSent) return first.response;
      const action = await this.#unauthorized(first.response, token);
      const retry = (action === 'renewed' || action === 'stale') && isReplayableBody(request.body);
      core.manager.reportUnauthorized(this.#context.tenant, action, retry);
      if (!retry) return first.response;
      await first.response.body?.cancel();
      const fresh = await this.#token(call.signal);
      const second = await this.#send(url, request, fresh, call.signal);
      if (second.response.status === 401 && second.tokenSent) {
        const again = await this.#unauthorized(second.response, fresh);
        core.manager.reportUnauthorized(this.#context.tenant, again, false);
      }
      return second.response;
    } finally {
      call.release();
    }
  }

  #unauthorized(response: Response, token: AccessToken): Promise<UnauthorizedAction> {
    const challenge = response.headers.get('www-authenticate');
    return this.#core.manager.reject(token, this.#context.tenant, challenge);
  }

  /** The current token without waiting when there is one (the hot path), else wait for it. */
  #token(signal: AbortSignal | undefined): AccessToken | Promise<AccessToken> {
    const manager = this.#core.manager;
    const tenant = this.#context.tenant;
    return manager.peekToken(tenant) ?? manager.getToken({ tenant, signal });
  }

  /**
   * One logical request. Follows redirects itself, by the rules of `fetch` (WHATWG Fetch §4.4, as
   * undici applies them), so that the token is attached per hop and only for its own origins:
   * - a cross-origin hop drops `authorization`, `cookie`, `proxy-authorization` and the client's
   *   token header for good;
   * - 301/302 turn a POST into a GET, 303 anything but GET/HEAD, dropping the body and its headers;
   * - only `http:`/`https:` targets; a 21st redirect, or a stream body on a redirect other than
   *   303, fails with a `TypeError` like `fetch`.
   */
  async #send(
    url: URL,
    init: RequestInit,
    token: AccessToken | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ response: Response; tokenSent: boolean }> {
    const core = this.#core;
    const follow = (init.redirect ?? 'follow') === 'follow';
    // The caller checked the first URL's origin; only a redirect target needs checking again.
    const headers = this.#headers(init.headers, token);
    let tokenSent = token !== undefined;
    let target = url;
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    for (let redirects = 0; ; redirects++) {
      const response = await core.fetch(target, {
        ...init,
        method,
        body,
        headers,
        signal,
        ...(follow ? { redirect: 'manual' } : {}),
      });
      const location = follow ? response.headers.get('location') : null;
      if (location === null || !REDIRECT_STATUSES.has(response.status)) {
        return { response, tokenSent };
      }
      await response.body?.cancel();
      const next = URL.canParse(location, target) ? new URL(location, target) : undefined;
      if (next === undefined || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
        throw redirectError('the redirect location is not an http(s) URL');
      }
      if (redirects === MAX_REDIRECTS) throw redirectError('redirect count exceeded');
      if (response.status !== 303 && !isReplayableBody(body)) {
        throw redirectError('a stream body cannot follow a redirect');
      }
      if (
        ((response.status === 301 || response.status === 302) && method === 'POST') ||
        (response.status === 303 && method !== 'GET' && method !== 'HEAD')
      ) {
        method = 'GET';
        body = undefined;
        for (const name of BODY_HEADERS) headers.delete(name);
      }
      if (next.origin !== target.origin) {
        for (const name of CROSS_ORIGIN_DROPPED) headers.delete(name);
        headers.delete(core.header);
      }
      target = next;
      tokenSent = token !== undefined && core.tokenOrigins.has(target.origin);
      if (tokenSent) headers.set(core.header, this.#credential(token as AccessToken));
    }
  }

  #headers(callerHeaders: HeadersInit | undefined, token: AccessToken | undefined): Headers {
    const core = this.#core;
    const headers = new Headers(callerHeaders);
    const propagated = this.#context.headers;
    if (propagated !== undefined) {
      for (const name in propagated) {
        if (!headers.has(name)) headers.set(name, propagated[name] as string);
      }
    }
    if (token === undefined) headers.delete(core.header);
    else headers.set(core.header, this.#credential(token));
    return headers;
  }

  /** The token header's value: scheme and token, or the bare token with `scheme: ''`. */
  #credential(token: AccessToken): string {
    const scheme = this.#core.scheme ?? schemeOf(token);
    return scheme === '' ? token.accessToken : `${scheme} ${token.accessToken}`;
  }
}

/** A redirect `fetch` would refuse: the same error shape (`TypeError: fetch failed` + cause). */
function redirectError(reason: string): TypeError {
  return new TypeError('fetch failed', { cause: new Error(reason) });
}

/** `bearer` from OAuth servers is sent as the conventional `Bearer`. */
function schemeOf(token: AccessToken): string {
  return token.tokenType.toLowerCase() === 'bearer' ? 'Bearer' : token.tokenType;
}

function requestInit(request: Request): RequestInit {
  return {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    redirect: request.redirect,
    ...(request.body === null ? {} : { duplex: 'half' }),
  } as RequestInit;
}

/** A response that arrived after its call timed out: release its connection. */
function discardResponse(response: Response): void {
  response.body?.cancel().catch(() => {});
}
