import type { TokenFlow } from './token-flow.js';

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * The store key of a flow's token for a tenant: `<flow id>:<sha-256 of the flow's non-secret
 * identity and the tenant>`. Secrets never enter it: flows only expose non-secret `cacheKeyParts`.
 * A subject token (token exchange) and a DPoP key's thumbprint are hashed in when present, so a
 * token is never served to another subject or another key.
 */
export async function cacheKey(
  flow: TokenFlow,
  tenant: string | undefined,
  subjectToken?: string,
): Promise<string> {
  const parts = keyParts(flow, tenant, subjectToken);
  if (flow.dpop !== undefined) parts.push(`dpop:${await flow.dpop.thumbprint()}`);
  return `${flow.id}:${await sha256Hex(parts.join('\u0000'))}`;
}

/** Hex digits of a subject token's fingerprint in `status()` rows. */
const FINGERPRINT_LENGTH = 8;

/**
 * A short, non-secret fingerprint of a subject token for `status()` rows: the first 8 hex digits
 * of its SHA-256. It tells rows apart, and the holder of a token can find its row, but it reveals
 * nothing usable of the token.
 *
 * @example
 * await subjectFingerprint(incomingAccessToken); // '3f9a0c1e'
 */
export async function subjectFingerprint(subjectToken: string): Promise<string> {
  return (await sha256Hex(subjectToken)).slice(0, FINGERPRINT_LENGTH);
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * What {@link cacheKey} hashes, but the DPoP key's thumbprint: the flow id, its non-secret
 * identity, the tenant and the subject token. In memory only (it may hold a subject token).
 */
export function keyParts(
  flow: TokenFlow,
  tenant: string | undefined,
  subjectToken?: string,
): string[] {
  const parts = [flow.id, ...flow.cacheKeyParts, tenant ?? ''];
  if (subjectToken !== undefined) parts.push(`subject:${subjectToken}`);
  return parts;
}
