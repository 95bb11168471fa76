import type { AccessToken } from '../engine/token.js';

/**
 * The token header's value: `scheme` and the token, or the bare token with `scheme: ''`; without
 * a `scheme`, the token's own type (`bearer` from OAuth servers is sent as the conventional
 * `Bearer`).
 */
export function tokenCredential(token: AccessToken, scheme: string | undefined): string {
  const chosen = scheme ?? schemeOf(token);
  return chosen === '' ? token.accessToken : `${chosen} ${token.accessToken}`;
}

/**
 * The first hop's headers when the caller or the view gave some: the caller's, the view's
 * `propagated` ones the caller did not set, and the token header `name` set to `credential` (or
 * removed without one).
 */
export function callHeaders(
  callerHeaders: HeadersInit | undefined,
  propagated: Record<string, string> | undefined,
  name: string,
  credential: string | undefined,
): Headers {
  const headers = new Headers(callerHeaders);
  if (propagated !== undefined) {
    for (const key in propagated) {
      if (!headers.has(key)) headers.set(key, propagated[key] as string);
    }
  }
  if (credential === undefined) headers.delete(name);
  else headers.set(name, credential);
  return headers;
}

function schemeOf(token: AccessToken): string {
  return token.tokenType.toLowerCase() === 'bearer' ? 'Bearer' : token.tokenType;
}
