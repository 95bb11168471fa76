import type { AuthClients } from '../client/create-auth-clients.js';
import { isAuthError } from '../errors.js';
import type { ResolvedAdapterOptions } from './adapter-options.js';
import { type IncomingRequest, requestContext } from './adapter-request-context.js';

/** The registry view an adapter hands one request, and the signal its calls abort on. */
export interface BoundRequest {
  /** The registry bound to the request: tenant, subject token, propagated headers, signal. */
  readonly view: AuthClients<string>;
  /** The request's signal, once a client of the view was first used (`undefined` before). */
  readonly signal: AbortSignal | undefined;
}

/**
 * Binds the adapter's registry to one incoming request. Lazy: `incoming` is called (and the
 * tenant and subject token resolvers run, and the disconnect signal is made) only when a client
 * of the view is first used, so a route that never calls out pays one small object.
 *
 * @example
 * const bound = bindRequest(options, () => ({
 *   request: req,
 *   header: nodeHeaders(req.headers),
 *   signal: abortOnDisconnect(res),
 * }));
 * req.authClients = bound.view;
 */
export function bindRequest<Request>(
  options: ResolvedAdapterOptions<Request>,
  incoming: () => IncomingRequest<Request>,
): BoundRequest {
  let signal: AbortSignal | undefined;
  const view = options.clients.withContext(() => {
    const request = incoming();
    signal = request.signal;
    return requestContext(options, request);
  });
  return {
    view,
    get signal() {
      return signal;
    },
  };
}

/**
 * What an adapter does with an error that left a handler:
 * - `client-gone`: the abort raised because the request's client disconnected; end quietly
 *   (nobody is left to answer);
 * - `token-problem`: a token could not be obtained (an `AuthError`) and nothing was sent yet;
 *   answer `502` with `tokenProblem(error)` as `application/problem+json`;
 * - `not-ours`: anything else, or a token failure after the response started; the framework's
 *   error handling takes it.
 */
export type FailureAnswer = 'client-gone' | 'token-problem' | 'not-ours';

/**
 * The answer to `error` for a request bound with {@link bindRequest} (`bound` is `undefined`
 * when no client was used), given whether the response has started.
 *
 * @example
 * switch (failureAnswer(error, bound, res.headersSent)) {
 *   case 'client-gone': return;
 *   case 'token-problem': return res.status(502).type(PROBLEM_CONTENT_TYPE).json(tokenProblem(error));
 *   default: next(error);
 * }
 */
export function failureAnswer(
  error: unknown,
  bound: BoundRequest | undefined,
  headersSent: boolean,
): FailureAnswer {
  const signal = bound?.signal;
  if (signal?.aborted === true && signal.reason === error) return 'client-gone';
  if (!headersSent && isAuthError(error)) return 'token-problem';
  return 'not-ours';
}

/**
 * The registry type a `Register`-shaped type declares: `R['clients']` when present, else the
 * untyped `AuthClients`. Each adapter declares its own `Register` interface for users to augment.
 *
 * @example
 * export interface Register {}
 * export type RegisteredAuthClients = ClientsOf<Register>;
 */
export type ClientsOf<R> = R extends {
  /** The registry type, as declared in the adapter's `Register`. */
  clients: infer Clients;
}
  ? Clients
  : AuthClients;
