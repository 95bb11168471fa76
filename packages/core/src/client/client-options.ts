import type { FlowSource } from '../engine/token-flow.js';
import type { TokenStore } from '../engine/token-store.js';
import type { BackoffOptions, RefreshOptions } from '../engine/token-timing.js';
import type { AuthEventListener } from '../observability/events.js';
import type { OptionKeys } from '../shared/validate-options.js';

export type { FlowSource } from '../engine/token-flow.js';
export type { BackoffOptions, RefreshOptions } from '../engine/token-timing.js';

/** Per-request context: what a request-bound client view carries. */
export interface RequestContext {
  /** Aborts outbound calls of this view (for example the incoming request's signal). */
  signal?: AbortSignal;
  /** Tenant id: selects per-tenant credentials and is part of the token cache key. */
  tenant?: string;
  /** Headers passed on to every outbound call of this view (correlation ids). Never overrides headers set per call. */
  headers?: Record<string, string>;
  /**
   * The incoming request's token, traded by a token exchange flow (RFC 8693) for a downstream
   * token cached per subject. Ignored by other flows. Never logged or printed.
   */
  subjectToken?: string;
}

/** Everything one authenticated client needs. Presets return this shape. */
export interface AuthClientOptions {
  /** Base URL of the API; relative request URLs resolve against it. Its origin receives the token. */
  baseUrl: string | URL;
  /** How tokens are obtained. */
  flow: FlowSource;
  /** Extra origins (e.g. `https://files.example.com`) that may receive the token. Default none. */
  allowedOrigins?: readonly string[];
  /** Request header carrying the token. Default `authorization`. */
  header?: string;
  /** Scheme before the token; `''` sends the bare token. Default: the token's type, else `Bearer`. */
  scheme?: string;
  /**
   * Time in ms an outbound API call may take until its response headers arrive (token wait, 401
   * retry and redirects included). Past it the call rejects with a `TimeoutError` and is
   * abandoned; pass a signal (`AbortSignal.timeout(ms)`) to abort it instead. `Infinity`: none.
   * Default `30_000`.
   */
  timeoutMs?: number;
  /** Timeout of each token request in ms. Default `10_000`. */
  tokenTimeoutMs?: number;
  /** Largest accepted token response body, bytes. Default `65_536`. */
  maxTokenResponseBytes?: number;
  /** Early refresh window. */
  refresh?: RefreshOptions;
  /** Backoff after token request failures. */
  backoff?: BackoffOptions;
  /** Where tokens are cached. Default: a {@link MemoryTokenStore} per client. */
  store?: TokenStore;
  /** How long a fleet-wide lease lasts (shared stores only), ms. Default `15_000`. */
  leaseTtlMs?: number;
  /** Most tenants whose tokens are kept in memory (least recently used are dropped). Default `10_000`. */
  maxCachedTenants?: number;
  /** `fetch` used for API and token calls. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Wall clock, epoch ms, for token expiry. Default `Date.now`. */
  now?: () => number;
  /**
   * Monotonic clock, ms, for durations (backoff, the 401 interval, lease waits), so that a step
   * of the wall clock never freezes recovery. Default `performance.now()`.
   */
  monotonic?: () => number;
  /**
   * Receives this client's events (token requests, failures, 401s, lease waits, store
   * failures). Never given a secret or a token. Default: none (no event is built).
   */
  onEvent?: AuthEventListener;
  /**
   * Allow plain `http:` for `baseUrl` (and `allowedOrigins`) at a host that is not loopback: the
   * token would travel in clear. Default `false`.
   */
  allowInsecureHttp?: boolean;
}

/** Every option of a client, for the unknown-key check. */
export const CLIENT_OPTION_KEYS = {
  baseUrl: true,
  flow: true,
  allowedOrigins: true,
  header: true,
  scheme: true,
  timeoutMs: true,
  tokenTimeoutMs: true,
  maxTokenResponseBytes: true,
  refresh: true,
  backoff: true,
  store: true,
  leaseTtlMs: true,
  maxCachedTenants: true,
  fetch: true,
  now: true,
  monotonic: true,
  onEvent: true,
  allowInsecureHttp: true,
} satisfies OptionKeys<AuthClientOptions>;
