import type { StoredToken } from '@auth/core';

/** Default time an entry with a refresh token is kept when the refresh token's expiry is unknown: 24 h. */
export const DEFAULT_REFRESH_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long Redis keeps an entry, in ms (never below 1, so `SET ... PX` always replaces the old
 * value and an already expired token disappears at once).
 *
 * - Without a refresh token: until `expiresAt`.
 * - With a refresh token: until the later of `expiresAt` and the refresh token's own expiry — the
 *   JWT `exp` claim when the refresh token is a JWT, else `now + refreshTokenTtlMs`. Keeping the
 *   entry past the access token lets another instance refresh instead of logging in again.
 */
export function entryTtlMs(token: StoredToken, now: number, refreshTokenTtlMs: number): number {
  let until = token.expiresAt;
  if (token.refreshToken !== undefined) {
    const refreshExpiry = jwtExpiry(token.refreshToken) ?? now + refreshTokenTtlMs;
    until = Math.max(until, refreshExpiry);
  }
  return Math.max(1, Math.ceil(until - now));
}

/** The `exp` claim (as epoch ms) of a JWT, or `undefined` when `token` is not a JWT with one. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined || parts[1] === '') return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null) return undefined;
    const exp = (payload as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
