import { createPublicKey } from 'node:crypto';
import { EMULATOR_API_DATA } from './api-data.js';
import { EMULATOR_CREDENTIALS, type OktaCredentials } from './credentials.js';
import { checkAssertion, isAssertionProblem } from './jwt.js';
import { parseForm } from './request.js';
import {
  json,
  oauthError,
  type ProviderStartOptions,
  type Started,
  startProviderServer,
  type TokenOutcome,
} from './server.js';
import { requestOrigin, tokenBook } from './token-book.js';
import type { ProviderEmulator } from './types.js';

const CREDENTIALS = EMULATOR_CREDENTIALS.okta;
const TOKEN_PATH = '/oauth2/v1/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Okta: a client assertion expires at most one hour after it is issued. */
const MAX_ASSERTION_SECONDS = 3600;

/**
 * Emulates an Okta org authorization server for a service app
 * (https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/):
 * `POST /oauth2/v1/token` with `grant_type=client_credentials`, `scope` and a `private_key_jwt`
 * client assertion (RS256, `iss` = `sub` = client id, `aud` = the token URL, `exp` at most 1 hour
 * ahead, a `jti` never seen before) answers `{token_type: "Bearer", expires_in: 3600,
 * access_token, scope}`. Errors: 401 `invalid_client`, 400 `invalid_scope`. API:
 * `GET /api/v1/users` (needs `okta.users.read`).
 */
export interface OktaEmulator extends ProviderEmulator {
  readonly name: 'okta';
  /** The service app. */
  readonly credentials: OktaCredentials;
  /** The issuer of the org authorization server (this emulator's origin). */
  readonly issuer: string;
}

/** Starts the Okta emulator; tokens live `lifetime` seconds (Okta: 1 hour). */
export async function startOkta(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<OktaEmulator>> {
  const publicKey = createPublicKey(CREDENTIALS.privateKey);
  const book = tokenBook<readonly string[]>(options.now);
  const seenJti = new Set<string>();
  const invalidClient = (description: string) => oauthError(401, 'invalid_client', description);

  const { close, ...server } = await startProviderServer(
    {
      name: 'okta',
      tokenPaths: [TOKEN_PATH],
      apiBasePath: '/api/v1/',
      async token(req): Promise<TokenOutcome> {
        const form = await parseForm(req);
        if (form.get('grant_type') !== 'client_credentials') {
          return {
            reply: oauthError(400, 'unsupported_grant_type', 'The grant type is not supported.'),
          };
        }
        if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
          return {
            reply: invalidClient(
              'Client authentication failed. Either the client or the client credentials are invalid.',
            ),
          };
        }
        const checked = checkAssertion(form.get('client_assertion') ?? '', {
          publicKey,
          now: Math.floor(options.now() / 1000),
          maxLifetime: MAX_ASSERTION_SECONDS,
          issuer: CREDENTIALS.clientId,
          subject: CREDENTIALS.clientId,
          audience: `${requestOrigin(req.headers)}${TOKEN_PATH}`,
        });
        if (isAssertionProblem(checked)) {
          const description =
            checked.rule === 'signature'
              ? 'The client_assertion signature is invalid.'
              : checked.rule === 'audience'
                ? 'The audience claim for client_assertion must be the endpoint invoked for the request.'
                : checked.rule === 'time'
                  ? 'The client_assertion token has expired or is too far in the future.'
                  : 'Client authentication failed. Either the client or the client credentials are invalid.';
          return { reply: invalidClient(description) };
        }
        const jti = checked.claims.jti;
        if (typeof jti !== 'string' || seenJti.has(jti)) {
          return { reply: invalidClient('The client_assertion token has already been used.') };
        }
        seenJti.add(jti);
        const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        if (scopes.length === 0) {
          return {
            reply: oauthError(
              400,
              'invalid_scope',
              "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
            ),
          };
        }
        const refused = scopes.filter((s) => !CREDENTIALS.scopes.includes(s));
        if (refused.length > 0) {
          return {
            reply: oauthError(
              400,
              'invalid_scope',
              `The following scopes were requested, but not granted: ${refused.join(' ')}`,
            ),
          };
        }
        const body = {
          token_type: 'Bearer',
          expires_in: options.lifetime,
          access_token: book.issue(scopes, options.lifetime, 'okta.'),
          scope: scopes.join(' '),
        };
        return { reply: json(200, body), issued: true };
      },
      missingFieldBody: () => ({ token_type: 'Bearer', expires_in: options.lifetime }),
      authenticate: (token) => book.check(token),
      unauthorized: () =>
        json(
          401,
          {
            errorCode: 'E0000011',
            errorSummary: 'Invalid token provided',
            errorLink: 'E0000011',
            errorCauses: [],
          },
          { 'www-authenticate': 'Bearer realm="IdpAdmin", error="invalid_token"' },
        ),
      api(route, scopes) {
        if (route !== 'users') return undefined;
        if (!scopes.includes('okta.users.read')) {
          return json(403, {
            errorCode: 'E0000006',
            errorSummary: 'You do not have permission to perform the requested action',
          });
        }
        return json(200, EMULATOR_API_DATA.okta);
      },
      revokeAll: () => book.clear(),
    },
    options,
  );
  return {
    emulator: { ...server, name: 'okta', credentials: CREDENTIALS, issuer: server.origin },
    close,
  };
}
