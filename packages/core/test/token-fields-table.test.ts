import { flows, type TokenFlow } from '@auth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from './support/api-server.js';
import { failure, request } from './support/flow-request.js';

/**
 * The token-field rules are the same in every flow (README, "Token responses"): `expires_in` is a
 * JSON number or a string of decimal digits, nothing else; a missing `token_type` is `Bearer`.
 * Each flow asks a loopback token endpoint that answers the row's body with 200.
 */
let body: Record<string, unknown> = {};
let endpoint: Awaited<ReturnType<typeof startApi>>;
beforeAll(async () => {
  endpoint = await startApi((_, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
});
afterAll(() => endpoint.close());

const tokenUrl = () => `${endpoint.url}token`;
const everyFlow: [string, () => TokenFlow][] = [
  [
    'jsonCredentials',
    () => flows.jsonCredentials({ tokenUrl: tokenUrl(), username: 'u', password: 'p' }),
  ],
  [
    'formCredentials',
    () => flows.formCredentials({ tokenUrl: tokenUrl(), username: 'u', password: 'p' }),
  ],
  [
    'clientCredentials',
    () => flows.clientCredentials({ tokenUrl: tokenUrl(), clientId: 'c', clientSecret: 's' }),
  ],
  [
    'passwordGrant',
    () => flows.passwordGrant({ tokenUrl: tokenUrl(), username: 'u', password: 'p' }),
  ],
  [
    'tokenExchange',
    () =>
      flows.tokenExchange({
        tokenUrl: tokenUrl(),
        clientId: 'c',
        clientSecret: 's',
        subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      }),
  ],
  [
    'jwtBearer',
    () => flows.jwtBearer({ tokenUrl: tokenUrl(), clientId: 'c', assertion: () => 'a.b.c' }),
  ],
];

/** One token request of `flow`, answered by `answer`. */
function ask(flow: TokenFlow, answer: Record<string, unknown>) {
  body = { access_token: 'opaque-token', ...answer };
  return flow.requestToken(request({ subjectToken: 'subject-token' }));
}

describe.each(everyFlow)('%s reads the token fields by the common rules', (_, make) => {
  it.each([
    [60, 60],
    ['60', 60],
    [0, 0],
    ['0', 0],
    [3599.5, 3599.5],
  ])('expires_in %j is %d seconds', async (value, seconds) => {
    const token = await ask(make(), { token_type: 'bearer', expires_in: value });
    expect(token.expiresIn).toBe(seconds);
  });

  it.each([[[60]], ['6e1'], [' 60'], ['60 '], ['60.5'], ['-1'], [-1], [''], [true], [null], [{}]])(
    'refuses expires_in %j with TOKEN_RESPONSE_INVALID',
    async (value) => {
      const error = await failure(ask(make(), { token_type: 'bearer', expires_in: value }));
      expect(error.code).toBe('TOKEN_RESPONSE_INVALID');
      expect(error.message).toContain('expires_in');
    },
  );

  it('takes a missing token_type as Bearer', async () => {
    const token = await ask(make(), { expires_in: 60 });
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresIn).toBe(60);
  });

  it.each(['bearer', 'Bearer', 'BEARER'])('returns token_type %s as Bearer', async (type) => {
    expect((await ask(make(), { token_type: type, expires_in: 60 })).tokenType).toBe('Bearer');
  });

  it('refuses another token_type with TOKEN_RESPONSE_INVALID', async () => {
    const error = await failure(ask(make(), { token_type: 'mac', expires_in: 60 }));
    expect(error.code).toBe('TOKEN_RESPONSE_INVALID');
  });
});
