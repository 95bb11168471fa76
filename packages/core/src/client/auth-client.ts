import type { DPoPProver } from '../engine/dpop.js';
import type { AccessToken } from '../engine/token.js';
import { isAuthError } from '../errors.js';
import type { UnauthorizedAction } from '../observability/events.js';
import { combineSignals } from '../shared/combine-signals.js';
import { deadlineQueue, withDeadline } from '../shared/deadline.js';
import type { AuthClientCore } from './client-core.js';
import type { RequestContext } from './client-options.js';
import {
  discardResponse,
  follows,
  hopInit,
  methodOf,
  requestInit,
  type Sent,
  sendHops,
} from './hops.js';
import { REDIRECT_STATUSES } from './redirect-hop.js';
import { isReplayableBody } from './request-body.js';
import type { RequestTarget } from './request-targets.js';
import { callHeaders, tokenCredential } from './token-header.js';

/** Options of {@link AuthClient.getToken}. */
export interface ClientGetTokenOptions {
  /** Stop waiting when it aborts (the shared token request carries on). */
  signal?: AbortSignal;
}

/** Options of {@link AuthClient.unauthorized}: what the transport knows of the 401. */
export interface UnauthorizedResponse {
  /** The response's `WWW-Authenticate` header, if any. */
  challenge?: string | null | undefined;
  /** The request's body: a retry needs one that can be sent again ({@link isReplayableBody}). */
  body?: unknown;
  /** `true` when this 401 answers the retry itself: the token is still dropped, never retried again. */
  retried?: boolean;
}

/** The options of a call given none. */
const NO_OPTIONS: RequestInit = Object.freeze({});

/**
 * A `fetch` bound to one API: relative URLs resolve against `baseUrl`, the token is attached for
 * the API's own origin (and `allowedOrigins`) only, never on a cross-origin redirect, and a 401 is
 * retried once with a fresh token when the body can be sent again.
 *
 * Get one from {@link @auth/core!index.createAuthClients} or {@link @auth/core!index.createAuthClient}.
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
  /** The headers of a call without other headers: the token header of `#tokenHeadersOf`. */
  #tokenHeaders: Readonly<Record<string, string>> = {};
  #tokenHeadersOf: AccessToken | undefined;

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
    this.#fetchWithCurrentToken(input, init) ??
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
    return this.#core.targets.resolve(url).tokenAllowed;
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
    const call = combineSignals(options.signal, this.#context.signal);
    try {
      return await withDeadline(this.#token(call.signal), this.#core.timeoutMs);
    } finally {
      call.release();
    }
  }

  /**
   * Report that the API answered 401 to a request that carried `token`, for code that calls the
   * API by other means than {@link fetch}. `challenge` is the response's `WWW-Authenticate`
   * header. Applies the 401 rule of `fetch` and returns what it did:
   * - `renewed` (the token was dropped) or `stale` (already replaced): the token is renewed;
   * - `limited` (a token that never worked, obtained because of a 401 moments ago) or `ignored`
   *   (the challenge is about something else, e.g. `insufficient_scope`): nothing to renew.
   *
   * Prefer {@link unauthorized}, which also decides the retry and reports it. Never throws: a
   * store failure while dropping the token is reported as an event.
   */
  async rejectToken(token: AccessToken, challenge?: string | null): Promise<UnauthorizedAction> {
    const action = await this.#reject(token, challenge);
    this.#reportUnauthorized({ action, retried: action === 'renewed' || action === 'stale' });
    return action;
  }

  /**
   * The 401 rule of {@link fetch} for every other transport (`@auth/axios`, `@auth/undici`, your
   * own): the API answered 401 to a request that carried `token`. Drops the token when the rule
   * says so and answers whether to send the request once more with `await getToken()`: only when
   * the token was renewed, the body can be sent again and this was not already the retry. The
   * `api.unauthorized` event reports that answer as `retried`. Never throws.
   *
   * @example
   * if (res.status === 401 && (await client.unauthorized(token, {
   *   challenge: res.headers.get('www-authenticate'), body,
   * }))) res = await send(await client.getToken());
   */
  async unauthorized(token: AccessToken, response: UnauthorizedResponse = {}): Promise<boolean> {
    const action = await this.#reject(token, response.challenge);
    const retry =
      response.retried !== true &&
      (action === 'renewed' || action === 'stale') &&
      isReplayableBody(response.body);
    this.#reportUnauthorized({ action, retried: retry });
    return retry;
  }

  /**
   * Report that the API answered 2xx to a request that carried `token`, for code that calls the
   * API by other means than {@link fetch} (the counterpart of {@link unauthorized}). A token that
   * worked and later gets a 401 was revoked: the 401 rule then renews it at once instead of
   * limiting it. Cheap; call it on every 2xx answer.
   *
   * @example
   * if (res.status >= 200 && res.status < 300) client.acceptToken(token);
   */
  acceptToken(token: AccessToken): void {
    this.#accept(token);
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

  /**
   * The usual call, without an async frame or an await: a string URL for the token's origins, a
   * current bearer token, at most one signal. Sends the first hop at once and settles with its
   * response, under the call's deadline. A 401 or a redirect to follow goes on in
   * {@link #authorized}, from the response in hand. `undefined` when the call needs the general
   * path ({@link #fetch}).
   */
  #fetchWithCurrentToken(
    input: string | URL | Request,
    init: RequestInit = NO_OPTIONS,
  ): Promise<Response> | undefined {
    if (typeof input !== 'string') return undefined;
    const core = this.#core;
    let target: RequestTarget;
    try {
      target = core.targets.resolve(input);
    } catch {
      return undefined; // the general path rejects with the URL's error
    }
    const context = this.#context;
    const ownSignal = context.signal;
    if (!target.tokenAllowed || (init.signal != null && ownSignal !== undefined)) return undefined;
    const token = this.#currentToken();
    if (token === undefined || token.tokenType === 'DPoP') return undefined;
    const signal = init.signal ?? ownSignal;
    const deadlines = deadlineQueue(core.timeoutMs);
    return new Promise<Response>((resolve, reject) => {
      const waiting = deadlines.add(reject);
      const settle = (response: Response): void => {
        if (deadlines.finish(waiting)) resolve(response);
        else discardResponse(response);
      };
      const fail = (error: unknown): void => {
        if (deadlines.finish(waiting)) reject(error);
      };
      try {
        const follow = follows(init);
        const headers = this.#headers(init.headers, token);
        const redirect = follow ? 'manual' : init.redirect;
        const options = hopInit(init, methodOf(init), init.body, headers, signal, redirect);
        const sentAt = core.monotonic();
        core.fetch(target.href, options).then((response) => {
          core.manager.observeLatency(core.monotonic() - sentAt);
          const status = response.status;
          if (status >= 200 && status < 300) core.manager.confirm(token, context);
          if (status !== 401 && !(follow && REDIRECT_STATUSES.has(status))) settle(response);
          else this.#authorized(target, init, token, signal, response).then(settle, fail);
        }, fail);
      } catch (error) {
        fail(error); // bad caller headers, a `fetch` that throws
      }
    });
  }

  async #fetch(input: string | URL | Request, init: RequestInit = NO_OPTIONS): Promise<Response> {
    const core = this.#core;
    let target: RequestTarget;
    let request = init;
    if (input instanceof Request) {
      target = core.targets.of(new URL(input.url));
      request = { ...requestInit(input), ...init };
    } else target = core.targets.resolve(input);
    const call = combineSignals(request.signal, this.#context.signal);
    try {
      if (!target.tokenAllowed) {
        return (await this.#send(target, request, undefined, call.signal)).response;
      }
      const token = this.#currentToken() ?? (await this.#waitForToken(call.signal));
      const sentAt = core.monotonic();
      const first = await this.#send(target, request, token, call.signal);
      core.manager.observeLatency(core.monotonic() - sentAt);
      return await this.#unauthorizedRule(target, request, token, call.signal, first);
    } finally {
      call.release();
    }
  }

  /**
   * The rest of a call whose first hop to `target` (`sent`, with `token`) is a 401 or a redirect
   * to follow: the redirects, then the 401 rule.
   */
  async #authorized(
    target: RequestTarget,
    request: RequestInit,
    token: AccessToken,
    signal: AbortSignal | undefined,
    sent: Response,
  ): Promise<Response> {
    const first = await this.#send(target, request, token, signal, sent);
    return this.#unauthorizedRule(target, request, token, signal, first);
  }

  /**
   * The 401 rule on the answer to a call that carried `token`: a 401 drops the token
   * and the call is sent once more with a fresh one when the rule and the body allow it.
   */
  async #unauthorizedRule(
    target: RequestTarget,
    request: RequestInit,
    token: AccessToken,
    signal: AbortSignal | undefined,
    first: Sent,
  ): Promise<Response> {
    if (!first.tokenSent) return first.response;
    if (first.response.ok) this.#accept(token);
    if (first.response.status !== 401) return first.response;
    const challenge = first.response.headers.get('www-authenticate');
    const retry = await this.unauthorized(token, { challenge, body: request.body });
    if (!retry) return first.response;
    let fresh: AccessToken;
    try {
      fresh = this.#currentToken() ?? (await this.#waitForToken(signal));
    } catch (error) {
      // A store outage never replaces the API's own answer.
      if (isAuthError(error, 'TOKEN_STORE_UNAVAILABLE')) return first.response;
      throw error;
    }
    await first.response.body?.cancel();
    const second = await this.#send(target, request, fresh, signal);
    if (second.response.ok && second.tokenSent) this.#accept(fresh);
    if (second.response.status === 401 && second.tokenSent) {
      const again = second.response.headers.get('www-authenticate');
      await this.unauthorized(fresh, { challenge: again, retried: true });
    }
    return second.response;
  }

  /** The API answered 2xx to a request carrying `token`: it works ({@link TokenManager.confirm}). */
  #accept(token: AccessToken): void {
    this.#core.manager.confirm(token, this.#context);
  }

  #reject(token: AccessToken, challenge: string | null | undefined): Promise<UnauthorizedAction> {
    return this.#core.manager.reject(token, this.#context, challenge);
  }

  #reportUnauthorized(report: { action: UnauthorizedAction; retried: boolean }): void {
    this.#core.manager.reportUnauthorized(this.#context, report);
  }

  /** The current token when there is one: the hot path, nothing to wait for. */
  #currentToken(): AccessToken | undefined {
    return this.#core.manager.peekToken(this.#context);
  }

  /** Waits for this view's token (the manager requests one if none is on the way). */
  #waitForToken(signal: AbortSignal | undefined): Promise<AccessToken> {
    const { tenant, subjectToken } = this.#context;
    return this.#core.manager.getToken({ tenant, subjectToken, signal });
  }

  /** The current token without waiting when there is one, else wait for it. */
  #token(signal: AbortSignal | undefined): AccessToken | Promise<AccessToken> {
    return this.#currentToken() ?? this.#waitForToken(signal);
  }

  /** One logical request with `token` where allowed ({@link sendHops}). */
  #send(
    target: RequestTarget,
    init: RequestInit,
    token: AccessToken | undefined,
    signal: AbortSignal | undefined,
    sent?: Response,
  ): Promise<Sent> {
    const headers = this.#headers(init.headers, token);
    // Only DPoP-bound tokens pay for proofs: bearer calls skip all of this.
    const dpop = token?.tokenType === 'DPoP' ? this.#dpop() : undefined;
    return sendHops(this.#core, { target, init, token, headers, dpop, signal, sent });
  }

  /**
   * The first hop's headers: the caller's, the view's propagated ones the caller did not set, and
   * the token header (or none). Without caller or propagated headers (the usual call) a plain
   * frozen object, built once per token: `fetch` reads it as cheaply as a `Headers`, and none has
   * to be built.
   */
  #headers(callerHeaders: HeadersInit | undefined, token: AccessToken | undefined): HeadersInit {
    const core = this.#core;
    const propagated = this.#context.headers;
    if (callerHeaders === undefined && propagated === undefined) {
      if (token === undefined) return {};
      if (token !== this.#tokenHeadersOf) {
        this.#tokenHeaders = Object.freeze({ [core.header]: this.#credential(token) });
        this.#tokenHeadersOf = token;
      }
      return this.#tokenHeaders;
    }
    const credential = token === undefined ? undefined : this.#credential(token);
    return callHeaders(callerHeaders, propagated, core.header, credential);
  }

  /** The DPoP prover of this view's flow (only asked for DPoP-bound tokens). */
  #dpop(): DPoPProver | undefined {
    return this.#core.manager.dpop(this.#context);
  }

  /** The token header's value: scheme and token, or the bare token with `scheme: ''`. */
  #credential(token: AccessToken): string {
    return tokenCredential(token, this.#core.scheme);
  }
}
