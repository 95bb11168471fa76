import { constants, createHmac, type KeyObject, timingSafeEqual, verify } from 'node:crypto';

/** JWT claims: a JSON object. */
export type JwtClaims = Record<string, unknown>;

const HEADER = encode({ typ: 'JWT', alg: 'HS256' });

/** Signs `claims` as an HS256 JWT (header `{"typ":"JWT","alg":"HS256"}`, as KlearStack's). */
export function signJwt(claims: JwtClaims, secret: Uint8Array): string {
  const unsigned = `${HEADER}.${encode(claims)}`;
  return `${unsigned}.${sign(unsigned, secret)}`;
}

/**
 * The claims of an HS256 JWT signed with `secret`, or `undefined` when it is malformed, uses
 * another algorithm or its signature does not match. Claims such as `exp` are not checked here.
 */
export function verifyJwt(token: string, secret: Uint8Array): JwtClaims | undefined {
  const [header, payload, signature, ...rest] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
    return undefined;
  }
  const expected = Buffer.from(sign(`${header}.${payload}`, secret));
  const actual = Buffer.from(signature);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  const parsedHeader = decode(header);
  if (parsedHeader?.alg !== 'HS256') return undefined;
  return decode(payload);
}

function sign(data: string, secret: Uint8Array): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

function encode(value: JwtClaims): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(part: string): JwtClaims | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JwtClaims)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A JWT whose signature checked out: its header and claims. */
export interface VerifiedJwt {
  header: JwtClaims;
  claims: JwtClaims;
}

/**
 * The header and claims of an `RS256` or `PS256` JWT signed by `publicKey`'s private half, or
 * `undefined` when it is malformed, uses another algorithm or its signature does not match.
 * Claims such as `exp` are not checked here.
 */
export function verifyRsaJwt(token: string, publicKey: KeyObject): VerifiedJwt | undefined {
  const [header, payload, signature, ...rest] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
    return undefined;
  }
  const parsedHeader = decode(header);
  const alg = parsedHeader?.alg;
  if (alg !== 'RS256' && alg !== 'PS256') return undefined;
  const ok = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    alg === 'RS256'
      ? publicKey
      : { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    Buffer.from(signature, 'base64url'),
  );
  const claims = ok ? decode(payload) : undefined;
  return claims && parsedHeader ? { header: parsedHeader, claims } : undefined;
}

/** Limits on a JWT's times, in seconds. */
export interface JwtTimeRules {
  /** Current time, epoch seconds. */
  now: number;
  /** Largest `exp - now` accepted. */
  maxLifetime: number;
  /** Clock skew allowed for `iat` in the future and `exp` just past. Default `0`. */
  skew?: number;
}

/** Why `claims` fail the time rules (`exp` missing, expired, too far ahead; `iat` ahead), or `undefined`. */
export function jwtTimeProblem(claims: JwtClaims, rules: JwtTimeRules): string | undefined {
  const skew = rules.skew ?? 0;
  const { exp, iat } = claims;
  if (typeof exp !== 'number') return "'Expiration time' claim ('exp') is missing";
  if (exp + skew <= rules.now) return "'Expiration time' claim ('exp') is in the past";
  if (exp - rules.now > rules.maxLifetime) {
    return "'Expiration time' claim ('exp') is too far in the future";
  }
  if (iat !== undefined && (typeof iat !== 'number' || iat - skew > rules.now)) {
    return "'Issued at' claim ('iat') must be an Integer representing a time in the past";
  }
  return undefined;
}

/** What an OAuth JWT assertion must carry (RFC 7523 §3). */
export interface AssertionRules extends JwtTimeRules {
  /** Key that must have signed it. */
  publicKey: KeyObject;
  /** Required `iss`. */
  issuer: string;
  /** Required `sub`, if any. */
  subject?: string;
  /** Required `aud`. */
  audience: string;
}

/** The failed rule of an assertion check, for the vendor's own error body. */
export type AssertionProblem =
  | { rule: 'signature' | 'issuer' | 'subject' | 'audience'; message: string }
  | { rule: 'time'; message: string };

/** Checks an assertion's signature, times, `iss`, `sub` and `aud`; the verified JWT or the problem. */
export function checkAssertion(jwt: string, rules: AssertionRules): VerifiedJwt | AssertionProblem {
  const verified = verifyRsaJwt(jwt, rules.publicKey);
  if (verified === undefined) return { rule: 'signature', message: 'Invalid JWT Signature.' };
  const { claims } = verified;
  const time = jwtTimeProblem(claims, rules);
  if (time !== undefined) return { rule: 'time', message: time };
  if (claims.iss !== rules.issuer) return { rule: 'issuer', message: 'unknown issuer (iss)' };
  if (rules.subject !== undefined && claims.sub !== rules.subject) {
    return { rule: 'subject', message: 'unknown subject (sub)' };
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(rules.audience)) {
    return { rule: 'audience', message: `audience (aud) must be ${rules.audience}` };
  }
  return verified;
}

/** `true` when {@link checkAssertion} failed. */
export function isAssertionProblem(
  value: VerifiedJwt | AssertionProblem,
): value is AssertionProblem {
  return 'rule' in value;
}
