import { createHmac, timingSafeEqual } from 'node:crypto';

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
