import type { DPoPProver } from '../engine/dpop.js';
import type { AccessToken } from '../engine/token.js';
import { challengeError } from '../shared/www-authenticate.js';
import { type RedirectFrom, type RedirectHop, redirectHop } from './redirect-hop.js';
import { isReplayableBody } from './request-body.js';
import type { RequestTarget, RequestTargets } from './request-targets.js';
import { tokenCredential } from './token-header.js';

/** What sending the hops of one call needs from its client. */
export interface HopTransport {
  readonly targets: RequestTargets;
  readonly header: string;
  readonly scheme: string | undefined;
  readonly fetch: typeof fetch;
}

/** One logical request, as {@link sendHops} sends it. */
export interface Call {
  /** The first hop's target; the caller checked whether it may carry the token. */
  readonly target: RequestTarget;
  readonly init: RequestInit;
  /** The token to attach where allowed, or none. */
  readonly token: AccessToken | undefined;
  /** The first hop's headers, the token header included when `token` is given. */
  readonly headers: HeadersInit;
  /** The prover of a DPoP-bound token, else `undefined`. */
  readonly dpop: DPoPProver | undefined;
  readonly signal: AbortSignal | undefined;
  /** The first hop's response when the caller sent it already (never for a DPoP-bound token). */
  readonly sent?: Response | undefined;
}

/** The final response of a call, and whether its last hop carried the token. */
export interface Sent {
  readonly response: Response;
  readonly tokenSent: boolean;
}

/**
 * Sends one logical request. Follows redirects itself, by the rules of `fetch` (WHATWG Fetch
 * §4.4, as undici applies them), so that the token is attached per hop and only for its own
 * origins:
 * - a cross-origin hop drops `authorization`, `cookie`, `proxy-authorization` and the client's
 *   token header for good;
 * - 301/302 turn a POST into a GET, 303 anything but GET/HEAD, dropping the body and its headers;
 * - only `http:`/`https:` targets; a 21st redirect, or a stream body on a redirect other than
 *   303, fails with a `TypeError` like `fetch`.
 *
 * A DPoP-bound token gets a fresh proof per hop; a 401 asking for a DPoP nonce
 * (`use_dpop_nonce`) is sent once more with the nonce, when the body can be sent again.
 */
export async function sendHops(transport: HopTransport, call: Call): Promise<Sent> {
  const { init, token, dpop, signal } = call;
  const follow = follows(init);
  const redirect = follow ? 'manual' : init.redirect;
  let headers = call.headers;
  let tokenSent = token !== undefined;
  let target = call.target;
  let method = methodOf(init);
  let body = init.body;
  let nonceRetried = false;
  let pending = call.sent;
  for (let redirects = 0; ; redirects++) {
    const nonce = dpop?.nonceFor(target.url);
    if (dpop !== undefined) {
      headers = mutable(headers);
      if (tokenSent) {
        const access = (token as AccessToken).accessToken;
        headers.set('dpop', await dpop.proof(method, target.url, access));
      } else headers.delete('dpop');
    }
    const response =
      pending ??
      (await transport.fetch(target.href, hopInit(init, method, body, headers, signal, redirect)));
    pending = undefined;
    const newNonce = dpop?.rememberNonce(target.url, response.headers, nonce) === true;
    if (
      newNonce &&
      tokenSent &&
      !nonceRetried &&
      response.status === 401 &&
      challengeError(response.headers.get('www-authenticate')) === 'use_dpop_nonce' &&
      isReplayableBody(body)
    ) {
      nonceRetried = true;
      redirects -= 1;
      await response.body?.cancel();
      continue;
    }
    if (!follow) return { response, tokenSent };
    const next = await nextHop(
      response,
      { url: target.url, method, body, redirects },
      transport.header,
    );
    if (next === undefined) return { response, tokenSent };
    headers = mutable(headers);
    for (const name of next.dropHeaders) headers.delete(name);
    method = next.method;
    if (next.dropBody) body = undefined;
    target = transport.targets.of(next.url);
    tokenSent = token !== undefined && target.tokenAllowed;
    if (tokenSent) {
      headers.set(transport.header, tokenCredential(token as AccessToken, transport.scheme));
    }
  }
}

/**
 * Whether the client follows the call's redirects itself (the caller's `redirect: 'follow'`, the
 * default); its hops are then sent with `redirect: 'manual'`.
 */
export function follows(init: RequestInit): boolean {
  return (init.redirect ?? 'follow') === 'follow';
}

/**
 * The `fetch` options of one hop: the caller's, with the hop's headers and `redirect`. The
 * method, body and signal are set only where they differ from the caller's: each option `fetch`
 * is given costs it a little.
 */
export function hopInit(
  init: RequestInit,
  method: string,
  body: BodyInit | null | undefined,
  headers: HeadersInit,
  signal: AbortSignal | null | undefined,
  redirect: RequestRedirect | undefined,
): RequestInit {
  const options: RequestInit = { ...init, headers, redirect };
  if (method !== (init.method ?? 'GET')) options.method = method;
  if (body !== init.body) options.body = body;
  if (signal !== init.signal) options.signal = signal;
  return options;
}

/** The request method as it is sent: upper case (`fetch` itself only normalises six). */
export function methodOf(init: RequestInit): string {
  return init.method === undefined ? 'GET' : init.method.toUpperCase();
}

/**
 * The hop a response redirects to ({@link redirectHop}), `undefined` for a final response. The
 * redirect's own body is released, also when the redirect is refused.
 */
async function nextHop(
  response: Response,
  from: RedirectFrom,
  tokenHeader: string,
): Promise<RedirectHop | undefined> {
  let next: RedirectHop | undefined;
  try {
    next = redirectHop(from, response.status, response.headers.get('location'), tokenHeader);
  } catch (error) {
    await response.body?.cancel();
    throw error;
  }
  if (next !== undefined) await response.body?.cancel();
  return next;
}

/** `headers` as a `Headers` that can be changed (for a redirect hop or a DPoP proof). */
function mutable(headers: HeadersInit): Headers {
  return headers instanceof Headers ? headers : new Headers(headers);
}

/** The `fetch` options a `Request` stands for (its body streamed, `duplex: 'half'`). */
export function requestInit(request: Request): RequestInit {
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
export function discardResponse(response: Response): void {
  response.body?.cancel().catch(() => {});
}
