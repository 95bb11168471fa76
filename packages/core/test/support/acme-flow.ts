// acme-flow.ts
import { type AuthErrorCode, TokenEndpointError, type TokenFlow } from '@auth/core';

/** Acme's token endpoint: `POST` with an `x-api-key` header, answered by `{ token, ttl }`. */
export function acmeFlow({ tokenUrl, apiKey }: { tokenUrl: string; apiKey: string }): TokenFlow {
  const fail = (code: AuthErrorCode, why: string, status?: number) =>
    new TokenEndpointError(code, `${tokenUrl} ${why}`, { flow: 'acme', status });
  return {
    id: 'acme',
    cacheKeyParts: [tokenUrl], // whose token this is: never the API key
    defaultLifetimeSeconds: 900, // when Acme sends no ttl
    async requestToken({ fetch, signal }) {
      const headers = { 'x-api-key': apiKey };
      const res = await fetch(tokenUrl, { method: 'POST', headers, signal }).catch(() => {
        throw fail('TOKEN_ENDPOINT_UNREACHABLE', 'is unreachable or timed out');
      });
      if (!res.ok) throw fail('TOKEN_ENDPOINT_REJECTED', `answered HTTP ${res.status}`, res.status);
      const body = await res.json().catch(() => ({}));
      if (typeof body.token !== 'string') throw fail('TOKEN_RESPONSE_INVALID', 'sent no token');
      return {
        accessToken: body.token,
        expiresIn: typeof body.ttl === 'number' ? body.ttl : undefined,
      };
    },
  };
}
