/**
 * `@auth/core/adapter`: what framework adapters share, for authors of an adapter for another
 * framework. Application code does not need it: it uses `@auth/core` and an adapter.
 *
 * An adapter validates its options once ({@link resolveAdapterOptions}), hands each request a
 * view of the registry bound to it (`clients.withContext(() => requestContext(options, incoming))`
 * with {@link abortOnDisconnect} as the signal on Node) and answers a token failure (`AuthError`)
 * with `502` and {@link tokenProblem}'s body.
 *
 * @example
 * import { abortOnDisconnect, nodeHeaders, requestContext, resolveAdapterOptions } from '@auth/core/adapter';
 *
 * const options = resolveAdapterOptions<IncomingMessage>(clients, { tenant: (req) => ... });
 * const view = options.clients.withContext(() =>
 *   requestContext(options, { request: req, header: nodeHeaders(req.headers), signal: abortOnDisconnect(res) }),
 * );
 *
 * @packageDocumentation
 */
export {
  type AdapterOptions,
  DEFAULT_PROPAGATE_HEADERS,
  isAuthClients,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from './adapter-options.js';
export {
  abortOnDisconnect,
  type ClosableResponse,
  type IncomingRequest,
  type NodeHeaders,
  nodeHeaders,
  requestContext,
} from './adapter-request-context.js';
export { dispatchOrigin } from './dispatch-origin.js';
export {
  PROBLEM_CONTENT_TYPE,
  TOKEN_PROBLEM_DETAIL,
  type TokenProblemDetails,
  tokenProblem,
} from './problem-details.js';
export {
  MAX_REDIRECTS,
  REDIRECT_STATUSES,
  type RedirectFrom,
  type RedirectHop,
  redirectHop,
} from './redirect-hop.js';
export { isReplayableBody } from './request-body.js';
export {
  handleTokenFailures,
  logTokenFailure,
  type TokenFailureOption,
} from './token-failure-option.js';
