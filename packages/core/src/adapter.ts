/**
 * `@auth/core/adapter`: what framework adapters and transports share, for authors of an adapter
 * for another framework or of an integration with another HTTP client. Application code does not
 * need it: it uses `@auth/core` and an adapter.
 *
 * An adapter validates its options once ({@link resolveAdapterOptions}), hands each request a
 * view of the registry bound to it ({@link bindRequest}, with {@link abortOnDisconnect} as the
 * signal on Node), answers an error leaving a handler as {@link failureAnswer} says (`502` and
 * {@link tokenProblem}'s body for a token failure) and reports failed token requests once
 * ({@link handleTokenFailures}). A transport takes every decision from the client and this
 * module: {@link dispatchOrigin} and `client.mayReceiveToken()` (may this target get the token),
 * `client.tokenHeader()`, `client.unauthorized()` / `client.acceptToken()` (the 401 rule),
 * {@link isReplayableBody} and {@link redirectHop} (what a redirect hop keeps).
 *
 * @example
 * import { abortOnDisconnect, bindRequest, nodeHeaders, resolveAdapterOptions } from '@auth/core/adapter';
 *
 * const options = resolveAdapterOptions<IncomingMessage>(clients, { tenant: (req) => ... });
 * const bound = bindRequest(options, () => ({
 *   request: req,
 *   header: nodeHeaders(req.headers),
 *   signal: abortOnDisconnect(res),
 * }));
 *
 * @packageDocumentation
 */

export {
  type BoundRequest,
  bindRequest,
  type ClientsOf,
  type FailureAnswer,
  failureAnswer,
} from './adapter/adapter-binding.js';
export {
  type AdapterOptions,
  DEFAULT_PROPAGATE_HEADERS,
  isAuthClients,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from './adapter/adapter-options.js';
export {
  abortOnDisconnect,
  type ClosableResponse,
  type IncomingRequest,
  type NodeHeaders,
  nodeHeaders,
  requestContext,
} from './adapter/adapter-request-context.js';
export {
  PROBLEM_CONTENT_TYPE,
  TOKEN_PROBLEM_DETAIL,
  type TokenProblemDetails,
  tokenProblem,
} from './adapter/problem-details.js';
export {
  handleTokenFailures,
  logTokenFailure,
  type TokenFailureLog,
  type TokenFailureOption,
  tokenFailureLogger,
} from './adapter/token-failure-option.js';
export { dispatchOrigin } from './client/dispatch-origin.js';
export {
  MAX_REDIRECTS,
  REDIRECT_STATUSES,
  type RedirectFrom,
  type RedirectHop,
  redirectHop,
} from './client/redirect-hop.js';
export { isReplayableBody } from './client/request-body.js';
/**
 * The engine, for integration authors and flow tests (`checkTokenFlow` of `@auth/testing`):
 * applications get tokens through `createAuthClients()`, never from these directly.
 */
export { DPoPProver } from './engine/dpop.js';
export {
  type GetTokenOptions,
  TokenManager,
  type TokenManagerOptions,
} from './engine/token-manager.js';
