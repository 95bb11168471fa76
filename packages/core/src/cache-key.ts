import type { TokenFlow } from './token-flow.js';

const encoder = new TextEncoder();

/**
 * The store key of a flow's token for a tenant: `<flow id>:<sha-256 of the flow's non-secret
 * identity and the tenant>`. Secrets never enter it: flows only expose non-secret `cacheKeyParts`.
 */
export async function cacheKey(flow: TokenFlow, tenant: string | undefined): Promise<string> {
  const identity = [flow.id, ...flow.cacheKeyParts, tenant ?? ''].join('\u0000');
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(identity));
  const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0'));
  return `${flow.id}:${hex.join('')}`;
}
