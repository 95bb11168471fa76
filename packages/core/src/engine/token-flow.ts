import type { DPoPProver } from './dpop.js';
import type { TokenResponse } from './token.js';

/** What a {@link TokenFlow} gets for each request it makes. */
export interface FlowRequest {
  /** The `fetch` to use (injected by the manager, defaults to `globalThis.fetch`). */
  fetch: typeof fetch;
  /** Aborts the token request (token request timeout). */
  signal: AbortSignal;
  /** Upper bound on the token response body, in bytes. */
  maxResponseBytes: number;
  /**
   * The caller's subject token (`withContext({ subjectToken })`), for flows with
   * `usesSubjectToken` (token exchange). Never logged or printed.
   */
  subjectToken?: string;
}

/**
 * How to obtain a token from one endpoint. Stateless: every call asks the server; the
 * {@link TokenManager} does all caching. Implementations throw {@link TokenEndpointError}.
 */
export interface TokenFlow {
  /** Flow name used in errors and cache keys, e.g. `clientCredentials`. */
  readonly id: string;
  /**
   * Non-secret values that identify whose token this is (endpoint, principal, scope...).
   * Hashed into the cache key. Never put a password or client secret here.
   */
  readonly cacheKeyParts: readonly string[];
  /** Lifetime in seconds assumed when a response carries none (documented vendor default). */
  readonly defaultLifetimeSeconds: number;
  /**
   * Tokens are per subject token: the manager keeps one entry per subject (its hash in the cache
   * key) and passes the caller's subject token in {@link FlowRequest.subjectToken}. Default `false`.
   */
  readonly usesSubjectToken?: boolean;
  /**
   * Tokens are DPoP-bound to this key: API calls carry a proof signed with it, and its thumbprint
   * is part of the cache key. Default: none (bearer tokens).
   */
  readonly dpop?: DPoPProver;
  /** Obtain a new token with the flow's credentials. */
  requestToken(request: FlowRequest): Promise<TokenResponse>;
  /** Exchange a refresh token for a new token. Absent when the flow has no refresh tokens. */
  refreshToken?(refreshToken: string, request: FlowRequest): Promise<TokenResponse>;
}

/** A flow, or a function choosing the flow for a request's tenant (per-tenant credentials). */
export type FlowSource = TokenFlow | ((context: { tenant: string | undefined }) => TokenFlow);
