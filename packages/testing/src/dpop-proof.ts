import { constants, createHash, createPublicKey, type JsonWebKey, verify } from 'node:crypto';

/** A DPoP proof (RFC 9449 §4.2) that checked out: the key's thumbprint and its claims. */
export interface VerifiedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's `jwk` (what a bound token's `cnf.jkt` names). */
  jkt: string;
  claims: Record<string, unknown>;
}

/** What a proof must match. */
export interface ProofRules {
  method: string;
  /** `htu`: the request URL without query and fragment. */
  url: string;
  /** Current time, epoch seconds; `iat` must be within 60 s of it. */
  now: number;
  /** The nonce the server handed out, when it requires one. */
  nonce?: string;
  /** The access token the proof must hash in `ath` (API calls). */
  accessToken?: string;
}

const ALGORITHMS: Record<string, { hash: string | null; ieee?: true }> = {
  ES256: { hash: 'sha256', ieee: true },
  ES384: { hash: 'sha384', ieee: true },
  RS256: { hash: 'sha256' },
  PS256: { hash: 'sha256' },
  EdDSA: { hash: null },
};

/** Checks a DPoP proof; the verified proof, or why it fails (for `invalid_dpop_proof`). */
export function checkDPoPProof(proof: string, rules: ProofRules): VerifiedProof | string {
  const [h, p, s, ...rest] = proof.split('.');
  if (h === undefined || p === undefined || s === undefined || rest.length > 0) {
    return 'DPoP proof is not a JWT';
  }
  const header = parse(h);
  const claims = parse(p);
  if (header === undefined || claims === undefined) return 'DPoP proof is not a JWT';
  const alg = ALGORITHMS[String(header.alg)];
  const jwk = header.jwk as JsonWebKey | undefined;
  if (header.typ !== 'dpop+jwt' || alg === undefined || typeof jwk !== 'object' || 'd' in jwk) {
    return "DPoP proof header must have typ 'dpop+jwt', an asymmetric alg and a public jwk";
  }
  let ok = false;
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    const padding =
      header.alg === 'PS256' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : {};
    ok = verify(
      alg.hash,
      Buffer.from(`${h}.${p}`),
      { key, ...padding, ...(alg.ieee ? { dsaEncoding: 'ieee-p1363' as const } : {}) },
      Buffer.from(s, 'base64url'),
    );
  } catch {
    ok = false;
  }
  if (!ok) return 'DPoP proof signature is invalid';
  if (claims.htm !== rules.method || claims.htu !== rules.url) {
    return 'DPoP proof htm or htu does not match the request';
  }
  if (typeof claims.iat !== 'number' || Math.abs(claims.iat - rules.now) > 60) {
    return 'DPoP proof iat is not recent';
  }
  if (typeof claims.jti !== 'string') return 'DPoP proof has no jti';
  if (rules.nonce !== undefined && claims.nonce !== rules.nonce) return 'use_dpop_nonce';
  if (rules.accessToken !== undefined) {
    const ath = createHash('sha256').update(rules.accessToken).digest('base64url');
    if (claims.ath !== ath) return 'DPoP proof ath does not match the access token';
  }
  return { jkt: thumbprint(jwk), claims };
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url). */
function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : jwk.kty === 'RSA'
        ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function parse(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
