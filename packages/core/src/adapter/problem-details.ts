import type { AuthError, AuthErrorCode } from '../errors.js';

/** Content type of {@link tokenProblem} bodies (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** The fixed `detail` of a token failure answer: nothing from the request or the vendor leaks. */
export const TOKEN_PROBLEM_DETAIL = 'Could not obtain an access token from an upstream provider';

/** RFC 9457 problem details answered when a request handler could not get a token. */
export interface TokenProblemDetails {
  /** Always `about:blank`: the status says it all (RFC 9457 §4.2.1). */
  type: 'about:blank';
  /** Always `Bad Gateway`. */
  title: 'Bad Gateway';
  /** Always `502`. */
  status: 502;
  /** The error's stable code, e.g. `TOKEN_ENDPOINT_REJECTED`. */
  code: AuthErrorCode;
  /** Always {@link TOKEN_PROBLEM_DETAIL}: nothing from the request or the vendor. */
  detail: typeof TOKEN_PROBLEM_DETAIL;
}

/**
 * The safe `502 Bad Gateway` body adapters answer with for an {@link AuthError}: its code and a
 * fixed text, never a secret or the vendor's message.
 *
 * @example
 * // { type: 'about:blank', title: 'Bad Gateway', status: 502,
 * //   code: 'TOKEN_ENDPOINT_REJECTED', detail: 'Could not obtain an access token …' }
 * res.status(502).type(PROBLEM_CONTENT_TYPE).send(tokenProblem(error));
 */
export function tokenProblem(error: AuthError): TokenProblemDetails {
  return {
    type: 'about:blank',
    title: 'Bad Gateway',
    status: 502,
    code: error.code,
    detail: TOKEN_PROBLEM_DETAIL,
  };
}
