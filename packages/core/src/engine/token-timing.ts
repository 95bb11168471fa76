import type { StoredToken, TokenResponse } from './token.js';

/** When to start refreshing a token before it expires. */
export interface RefreshOptions {
  /** Start refreshing this many ms before expiry at most. Default `60_000`. */
  beforeExpiryMs?: number;
  /** ...or this fraction of the lifetime before expiry, whichever window is smaller. Default `0.1`. */
  lifetimeFraction?: number;
}

/** Exponential backoff with jitter after a failed token request. */
export interface BackoffOptions {
  /** First delay in ms. Default `1_000`. */
  initialMs?: number;
  /** Upper bound in ms. Default `30_000`. */
  maxMs?: number;
}

/** Default early-refresh window bound: refresh at most this long before expiry. */
export const DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 60_000;
/** Default early-refresh window as a fraction of the token lifetime. */
export const DEFAULT_REFRESH_LIFETIME_FRACTION = 0.1;
/** Default first backoff delay after a failed token request. */
export const DEFAULT_BACKOFF_INITIAL_MS = 1_000;
/** Default longest backoff delay. */
export const DEFAULT_BACKOFF_MAX_MS = 30_000;
/** Longest token lifetime accepted, seconds (10 years): beyond it a response is refused. */
export const MAX_TOKEN_LIFETIME_SECONDS = 10 * 366 * 24 * 3600;
/**
 * Shortest lifetime a token is used for. Providers that hand back their cached token count
 * `expires_in` down in whole seconds, so `0` means "valid for less than a second": the token is
 * used for this long (a 401 inside it renews it), never refused and never requested again at once.
 */
export const MIN_TOKEN_LIFETIME_MS = 1_000;

/**
 * Turns a flow's answer into a stored record. Expiry counts from `sentAt`, the moment the request
 * was sent, so time spent on the wire never makes a token look fresher than it is.
 */
export function toStoredToken(
  response: TokenResponse,
  sentAt: number,
  defaultLifetimeSeconds: number,
): StoredToken {
  const expiresAt =
    response.expiresIn !== undefined
      ? sentAt + Math.max(response.expiresIn * 1000, MIN_TOKEN_LIFETIME_MS)
      : (response.expiresAt ?? sentAt + defaultLifetimeSeconds * 1000);
  return {
    accessToken: response.accessToken,
    tokenType: response.tokenType ?? 'Bearer',
    issuedAt: sentAt,
    expiresAt,
    ...(response.refreshToken === undefined ? {} : { refreshToken: response.refreshToken }),
    ...(response.extras === undefined ? {} : { extras: response.extras }),
  };
}

/**
 * When to start refreshing: the refresh window is the smaller of `beforeExpiryMs` and
 * `lifetimeFraction` of the lifetime, so a 1 h token refreshes 60 s early and a 1 s token 100 ms early.
 */
export function refreshPoint(token: StoredToken, options: RefreshOptions | undefined): number {
  const lifetime = token.expiresAt - token.issuedAt;
  const window = Math.min(
    options?.beforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS,
    lifetime * (options?.lifetimeFraction ?? DEFAULT_REFRESH_LIFETIME_FRACTION),
  );
  return token.expiresAt - Math.max(0, window);
}

/** Delay before attempt `failures + 1`: exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffDelay(
  failures: number,
  options: BackoffOptions | undefined,
  random: () => number = Math.random,
): number {
  const initial = options?.initialMs ?? DEFAULT_BACKOFF_INITIAL_MS;
  const max = options?.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
  const delay = Math.min(max, initial * 2 ** (failures - 1));
  return delay / 2 + (random() * delay) / 2;
}

/**
 * How long a token obtained because of a 401 is kept even if the API rejects it too: the
 * deterministic part of the backoff schedule after `renewals` 401-caused renewals in a row (1 s,
 * 2 s, 4 s ... up to `maxMs`). An API that rejects every token thus costs one token request per
 * interval, never one per call.
 */
export function unauthorizedInterval(
  renewals: number,
  options: BackoffOptions | undefined,
): number {
  const initial = options?.initialMs ?? DEFAULT_BACKOFF_INITIAL_MS;
  const max = options?.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
  return Math.min(max, initial * 2 ** Math.max(0, renewals - 1));
}
