import { type RedirectFrom, redirectHop } from '@auth/core/adapter';

/**
 * A `fetch` for axios's fetch adapter (`config.env.fetch`) that follows redirects by core's
 * redirect rule ({@link redirectHop}) instead of `fetch`'s own, which keeps a token header named
 * other than `authorization` on a hop to another origin. Every hop is sent with
 * `redirect: 'manual'`; a request that asked for `manual` or `error` is sent as it is.
 *
 * A request body is kept (a `Request` clone) for a redirect that resends it (307/308): axios has
 * already turned it into a stream, so this is the one copy the redirect needs.
 */
export function redirectRuleFetch(
  fetchImpl: typeof fetch,
  tokenHeader: string,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  return async function followWithRedirectRule(input, init) {
    let request = new Request(input, init);
    if (request.redirect !== 'follow') return fetchImpl(request);
    for (let redirects = 0; ; redirects++) {
      const kept = request.body === null ? undefined : request.clone();
      const response = await fetchImpl(request, { redirect: 'manual' });
      // The body was kept (`kept`), so it can be sent again whatever it was made from.
      const from: RedirectFrom = {
        url: new URL(request.url),
        method: request.method,
        body: null,
        redirects,
      };
      const hop = redirectHop(from, response.status, response.headers.get('location'), tokenHeader);
      if (hop === undefined) return response;
      await response.body?.cancel();
      const headers = new Headers(request.headers);
      for (const name of hop.dropHeaders) headers.delete(name);
      const body = hop.dropBody || kept === undefined ? null : await kept.arrayBuffer();
      request = new Request(hop.url, {
        method: hop.method,
        headers,
        body,
        signal: request.signal,
        redirect: 'manual',
      });
    }
  };
}
