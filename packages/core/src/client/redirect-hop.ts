import { isReplayableBody } from './request-body.js';

/** Statuses a redirect is followed on. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** `fetch`'s limit: the 21st redirect fails. */
export const MAX_REDIRECTS = 20;
/** Headers `fetch` drops on a cross-origin redirect (undici), besides the client's token header. */
const CROSS_ORIGIN_DROPPED = ['authorization', 'cookie', 'proxy-authorization'];
/** Headers that describe a body, dropped with it when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type'];

/** The hop a redirect answered. */
export interface RedirectFrom {
  /** The URL of the hop that got the redirect. */
  readonly url: URL;
  /** Its method, upper case. */
  readonly method: string;
  /** Its body, if any. */
  readonly body: unknown;
  /** Redirects followed before this one. */
  readonly redirects: number;
}

/** What the next hop of a followed redirect is, and what it no longer carries. */
export interface RedirectHop {
  /** Where it goes. */
  readonly url: URL;
  /** Its method: `GET` where the redirect turns the request into one. */
  readonly method: string;
  /** `true` when the body is dropped (with its headers, listed in `dropHeaders`). */
  readonly dropBody: boolean;
  /**
   * Lower-case header names the hop must not carry: the body's headers when the body is dropped;
   * `authorization`, `cookie`, `proxy-authorization` and the client's token header when the hop
   * leaves the origin. Once dropped they stay dropped: a later hop back does not restore them.
   */
  readonly dropHeaders: readonly string[];
}

/**
 * The rule for one redirect, as `fetch` follows it (WHATWG Fetch §4.4, as undici applies it),
 * shared by every transport that follows redirects for a client:
 * - `undefined` when `status` is not a redirect or there is no `Location`: the response is final;
 * - 301/302 turn a POST into a GET, 303 anything but GET/HEAD, dropping the body and its headers;
 * - a cross-origin hop drops the credentials and `tokenHeader` (whatever its name);
 * - only `http:`/`https:` targets; a 21st redirect, or a body that cannot be sent again on a
 *   redirect other than 303, throws a `TypeError('fetch failed')` with the reason as `cause`.
 *
 * The next hop may carry the client's token only if the client allows its origin: ask
 * `client.mayReceiveToken(hop.url)`.
 *
 * @example
 * const hop = redirectHop(from, response.status, response.headers.get('location'), client.tokenHeaderName);
 * if (hop !== undefined) for (const name of hop.dropHeaders) headers.delete(name);
 */
export function redirectHop(
  from: RedirectFrom,
  status: number,
  location: string | null,
  tokenHeader: string,
): RedirectHop | undefined {
  if (!REDIRECT_STATUSES.has(status) || location === null) return undefined;
  const url = URL.canParse(location, from.url) ? new URL(location, from.url) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw redirectError('the redirect location is not an http(s) URL');
  }
  if (from.redirects >= MAX_REDIRECTS) throw redirectError('redirect count exceeded');
  if (status !== 303 && !isReplayableBody(from.body)) {
    throw redirectError('a stream body cannot follow a redirect');
  }
  const method = from.method;
  const toGet =
    ((status === 301 || status === 302) && method === 'POST') ||
    (status === 303 && method !== 'GET' && method !== 'HEAD');
  const dropHeaders: string[] = toGet ? [...BODY_HEADERS] : [];
  if (url.origin !== from.url.origin) dropHeaders.push(...CROSS_ORIGIN_DROPPED, tokenHeader);
  return { url, method: toGet ? 'GET' : method, dropBody: toGet, dropHeaders };
}

/** A redirect `fetch` would refuse: the same error shape (`TypeError: fetch failed` + cause). */
function redirectError(reason: string): TypeError {
  return new TypeError('fetch failed', { cause: new Error(reason) });
}
