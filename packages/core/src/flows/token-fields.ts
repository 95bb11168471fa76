/**
 * Turns a token endpoint's JSON object into a validated {@link TokenResponse}. Used by every
 * flow (the OAuth2 ones after openid-client's own checks), so every flow validates the same way.
 */
import type { TokenResponse } from '../engine/token.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../engine/token-timing.js';
import { type FlowContext, flowError } from './flow-context.js';

/** How {@link toTokenResponse} finds the expiry. */
export interface ExpiryRules {
  /** Lifetime in seconds when the response tells none. */
  fallbackLifetimeSeconds: number;
  /** Read the access token's JWT `exp` claim (not verified) when there is no `expires_in`. */
  jwtExp?: boolean;
  /** A refresh token to keep when the response carries no new one (RFC 6749 §6). */
  previousRefreshToken?: string;
  /** The flow sends DPoP proofs: a `DPoP` token type is accepted. */
  dpop?: boolean;
}

/** Fields that are the token itself or already mapped; everything else goes to `extras`. */
const MAPPED = new Set(['access_token', 'refresh_token', 'id_token', 'token_type', 'expires_in']);

/**
 * Validates and maps a token response body.
 *
 * - `access_token`: required non-empty string of characters an HTTP header can carry.
 * - `token_type`: optional, `Bearer` when absent; must be `bearer` (any case) and is returned as
 *   `Bearer`; with `rules.dpop`, `DPoP` (any case) is accepted too and returned as `DPoP`.
 * - expiry: `expires_in` ({@link expiresInSeconds}: a JSON number or a string of decimal digits,
 *   ≥ 0 and ≤ 10 years) → `expiresIn`; else the JWT `exp` (when `rules.jwtExp`) or `.expires`
 *   (RFC 1123 date) → `expiresAt`; else the fallback lifetime.
 * - `refresh_token`: optional non-empty string.
 * - every other field is kept in `extras` (`scope`, `userName`, `.issued`, `release_version`...).
 *
 * @throws TokenEndpointError `TOKEN_RESPONSE_INVALID`.
 */
export function toTokenResponse(
  ctx: FlowContext,
  json: Record<string, unknown>,
  status: number,
  rules: ExpiryRules,
): TokenResponse {
  const invalid = (problem: string) =>
    flowError(ctx, 'TOKEN_RESPONSE_INVALID', `${ctx.endpoint} answered ${problem}`, { status });

  const accessToken = json.access_token;
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw invalid(
      accessToken === undefined
        ? 'JSON without "access_token"'
        : `"access_token" of type ${describeType(accessToken)} (expected a non-empty string)`,
    );
  }
  const unsafe = firstUnsafeCharacter(accessToken);
  if (unsafe !== -1) {
    throw invalid(
      `an "access_token" with a character that cannot be sent in an HTTP header (at index ${unsafe})`,
    );
  }

  let tokenType = 'Bearer';
  if (json.token_type !== undefined) {
    if (typeof json.token_type !== 'string') {
      throw invalid(`"token_type" of type ${describeType(json.token_type)} (expected "bearer")`);
    }
    const type = json.token_type.toLowerCase();
    if (type === 'bearer') tokenType = 'Bearer';
    else if (type === 'dpop' && rules.dpop === true) tokenType = 'DPoP';
    else throw invalid(`unsupported "token_type" "${json.token_type.slice(0, 20)}" (only bearer)`);
  }

  let refreshToken: string | undefined;
  if (json.refresh_token !== undefined) {
    if (typeof json.refresh_token !== 'string' || json.refresh_token.length === 0) {
      throw invalid(`"refresh_token" of type ${describeType(json.refresh_token)}`);
    }
    refreshToken = json.refresh_token;
  } else {
    refreshToken = rules.previousRefreshToken;
  }

  const result: TokenResponse = { accessToken, tokenType };

  if (json.expires_in !== undefined) {
    const seconds = expiresInSeconds(json.expires_in);
    if (typeof seconds === 'string') throw invalid(seconds);
    // `0` is a provider's cached token counted down in whole seconds: still valid for < 1 s.
    result.expiresIn = seconds;
  } else {
    const expiresAt =
      (rules.jwtExp ? jwtExpiresAt(accessToken) : undefined) ?? httpDate(json['.expires']);
    if (expiresAt !== undefined) result.expiresAt = expiresAt;
    else result.expiresIn = rules.fallbackLifetimeSeconds;
  }

  if (refreshToken !== undefined) result.refreshToken = refreshToken;

  // fromEntries defines own properties: a `__proto__` key can never become a prototype.
  const extras = Object.fromEntries(
    Object.entries(json).filter(([key]) => !MAPPED.has(key) && key !== '__proto__'),
  );
  if (Object.keys(extras).length > 0) result.extras = Object.freeze(extras);
  return result;
}

/** A JSON number, or a string of decimal digits only: nothing else is a number of seconds. */
const DECIMAL_DIGITS = /^[0-9]+$/;

/**
 * A token response's `expires_in` in seconds, by the rule of every flow: a JSON number, or a
 * string of decimal digits only (`"3600"`, as some vendors send it), between 0 and 10 years.
 * Anything else (`[60]`, `"6e1"`, `" 60"`, `"60.5"`, `"-1"`, `true`, `null`) is refused.
 *
 * @returns the seconds, or what is wrong with the value (for a `TOKEN_RESPONSE_INVALID` message).
 */
export function expiresInSeconds(value: unknown): number | string {
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && DECIMAL_DIGITS.test(value)
        ? Number(value)
        : undefined;
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return `"expires_in" that is not a number of seconds ≥ 0 (a JSON number or a string of digits)`;
  }
  if (seconds > MAX_TOKEN_LIFETIME_SECONDS) {
    return `"expires_in" beyond ${MAX_TOKEN_LIFETIME_SECONDS} s (10 years)`;
  }
  return seconds;
}

/**
 * Index of the first character an HTTP header value cannot carry (controls, space, DEL, anything
 * beyond Latin-1; RFC 9110 §5.5 `field-vchar`), or `-1`.
 */
function firstUnsafeCharacter(token: string): number {
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code > 0xff) return i;
  }
  return -1;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * The `exp` claim of a JWT as epoch milliseconds, without verifying anything. `undefined` when the
 * token is not a JWT or has no numeric `exp`.
 *
 * @example
 * jwtExpiresAt('eyJhbGciOi...') // 1656576038000
 */
export function jwtExpiresAt(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined || parts[1].length === 0) return undefined;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
    if (typeof payload !== 'object' || payload === null) return undefined;
    const exp = (payload as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** An RFC 1123 / HTTP date (`Sun, 27 Sep 2020 09:35:33 GMT`) as epoch ms, else `undefined`. */
export function httpDate(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
