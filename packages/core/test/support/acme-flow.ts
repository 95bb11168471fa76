// acme-flow.ts
import { flows, type TokenFlow } from '@auth/core';

/** Acme's token endpoint: `POST` with an `x-api-key` header, answered by `{ token, ttl }`. */
export function acmeFlow({ tokenUrl, apiKey }: { tokenUrl: string; apiKey: string }): TokenFlow {
  return flows.tokenRequest({
    id: 'acme',
    tokenUrl,
    headers: { 'x-api-key': apiKey }, // redacted from every error, never in the cache key
    answer: { token: 'token', expiresIn: 'ttl' },
    lifetimeSeconds: 900, // when Acme sends no ttl
  });
}
