import type { AuthErrorCode } from '../errors.js';

/**
 * What the engine reports while it works: plain, JSON-safe objects that never carry a secret or a
 * token value. Subscribe per client (`onEvent` in the client options) or for a whole registry
 * (`createAuthClients(clients, { onEvent })`). A listener that throws is isolated; with no
 * listener, no event object is built.
 */
export type AuthEvent =
  | TokenRequestEvent
  | TokenSuccessEvent
  | TokenFailureEvent
  | ApiUnauthorizedEvent
  | LeaseWaitEvent
  | StoreFailureEvent
  | StoreUnreadableEvent;

/** A listener of {@link AuthEvent}s. Called synchronously; exceptions are swallowed. */
export type AuthEventListener = (event: AuthEvent) => void;

/** Fields every event carries. */
export interface AuthEventBase {
  /** The client's name in its registry. */
  client: string;
  /** The tenant, for per-tenant flows. */
  tenant?: string;
  /** The flow id, e.g. `clientCredentials`. */
  flow: string;
  /** Epoch ms (the client's `now`) when the event happened. */
  time: number;
}

/** Why a token request starts. */
export type TokenRequestReason = 'missing' | 'expired' | 'refresh' | 'rejected';

/** A token request starts (the single flight of its key). */
export interface TokenRequestEvent extends AuthEventBase {
  type: 'token.request';
  /**
   * `missing`: no token yet; `expired`: the cached one expired; `refresh`: early background
   * refresh of a valid token; `rejected`: the API answered 401 to the current token.
   */
  reason: TokenRequestReason;
}

/** A token was obtained: from the token endpoint, or adopted from a shared store. */
export interface TokenSuccessEvent extends AuthEventBase {
  type: 'token.success';
  source: 'endpoint' | 'store';
  /** Time from the start of the token request, ms. */
  durationMs: number;
  /** Remaining lifetime of the new token, ms. */
  expiresInMs: number;
}

/** A token request failed. */
export interface TokenFailureEvent extends AuthEventBase {
  type: 'token.failure';
  /** The error's stable code. */
  code: AuthErrorCode;
  /** HTTP status of the token endpoint, when it answered. */
  status?: number;
  durationMs: number;
  /** `true` for an early refresh that failed while a valid token keeps being served. */
  background: boolean;
  /** The next attempt is not made before this many ms (backoff). */
  retryInMs: number;
}

/** What a 401 from the API did to the token (the 401 budget decides, see `AuthClient.unauthorized`). */
export type UnauthorizedAction = 'renewed' | 'stale' | 'limited' | 'ignored';

/** The API answered 401 to a request that carried the token. */
export interface ApiUnauthorizedEvent extends AuthEventBase {
  type: 'api.unauthorized';
  /**
   * `renewed`: the token was dropped and will be renewed (at once, or one first backoff interval
   * after it arrived when it lost a contest, see the core README); `stale`: it had already been replaced;
   * `limited`: the token was itself requested because of a 401 within the backoff interval, so it
   * is kept (an API that rejects every token costs one token request per backoff interval);
   * `ignored`: the challenge is not about the token (e.g. `insufficient_scope`).
   */
  action: UnauthorizedAction;
  /** Whether the call was sent again with the current token. */
  retried: boolean;
}

/** This instance waited for another instance's lease (shared stores). */
export interface LeaseWaitEvent extends AuthEventBase {
  type: 'lease.wait';
  durationMs: number;
  /** `adopted`: the other instance's token; `acquired`: the lease; `timeout`: neither in time. */
  outcome: 'adopted' | 'acquired' | 'timeout';
}

/** A token store operation failed. */
export interface StoreFailureEvent extends AuthEventBase {
  type: 'store.failure';
  code: AuthErrorCode;
  /** `true` when the call went on without the store (memory fallback, or the API's own answer). */
  fallback: boolean;
}

/** A stored entry could not be read (another key, garbage, no expiry); it gets replaced. */
export interface StoreUnreadableEvent extends AuthEventBase {
  type: 'store.unreadable';
  /** A short, secret-free reason, e.g. `unknown-encryption-key`, `not-json`, `no-ttl`. */
  reason: string;
}

/** State of one cache entry in {@link ClientStatus}. */
export type TokenState = 'valid' | 'refreshing' | 'expiring' | 'failing' | 'empty';

/** One row of `clients.status()`: JSON-safe, secret-free. */
export interface ClientStatus {
  client: string;
  tenant?: string;
  /**
   * Token exchange: a short, non-secret fingerprint of the subject token the row's token is for
   * (the first 8 hex digits of its SHA-256), so that the rows of different subjects can be told
   * apart. Absent for other flows.
   */
  subject?: string;
  /**
   * `valid`: a token before its refresh point; `refreshing`: a token request is in flight;
   * `expiring`: past the refresh point, no request yet; `failing`: the last request failed (a
   * valid token may still be served); `empty`: no token.
   */
  state: TokenState;
  /** Ms until the current token expires, when there is one. */
  expiresInMs?: number;
  /** Consecutive failed token requests. */
  failures: number;
  /** Code of the last failure, while failing. */
  lastError?: AuthErrorCode;
  /** Ms until the next attempt is allowed, while backing off. */
  retryInMs?: number;
}
