import { EMULATOR_API_DATA } from './api-data.js';
import { type Auth0Credentials, EMULATOR_CREDENTIALS } from './credentials.js';
import { basicCredentials, parseForm } from './request.js';
import {
  json,
  oauthError,
  type ProviderStartOptions,
  type Started,
  startProviderServer,
  type TokenOutcome,
} from './server.js';
import { tokenBook } from './token-book.js';
import type { ProviderEmulator } from './types.js';

const CREDENTIALS = EMULATOR_CREDENTIALS.auth0;
const SCOPE = 'read:reports';

/**
 * Emulates Auth0's client credentials flow
 * (https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow/call-your-api-using-the-client-credentials-flow):
 * `POST /oauth/token` with `grant_type=client_credentials`, `client_id`, `client_secret` (form
 * fields, or HTTP Basic) and `audience` (the API identifier) answers `{access_token,
 * token_type: "Bearer", expires_in: 86400, scope}`. Errors: 401 `access_denied` "Unauthorized"
 * for wrong credentials, 403 `access_denied` for a missing or unknown audience. API:
 * `GET /api/reports`.
 */
export interface Auth0Emulator extends ProviderEmulator {
  readonly name: 'auth0';
  /** The M2M application and its API's audience. */
  readonly credentials: Auth0Credentials;
  /** What to pass as the preset's `domain` (this emulator's origin). */
  readonly domain: string;
}

/** Starts the Auth0 emulator; tokens live `lifetime` seconds (Auth0 default: 24 hours). */
export async function startAuth0(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<Auth0Emulator>> {
  const book = tokenBook<string>(options.now);
  const { close, ...server } = await startProviderServer(
    {
      name: 'auth0',
      tokenPaths: ['/oauth/token'],
      apiBasePath: '/api/',
      async token(req): Promise<TokenOutcome> {
        const form = await parseForm(req);
        const basic = basicCredentials(req.headers);
        const client =
          basic === undefined
            ? { id: form.get('client_id'), secret: form.get('client_secret') }
            : basic;
        if (form.get('grant_type') !== 'client_credentials') {
          return { reply: oauthError(400, 'unsupported_grant_type', 'Unsupported grant type') };
        }
        if (
          client === 'malformed' ||
          client.id !== CREDENTIALS.clientId ||
          client.secret !== CREDENTIALS.clientSecret
        ) {
          return { reply: oauthError(401, 'access_denied', 'Unauthorized') };
        }
        const audience = form.get('audience');
        if (!audience) {
          return {
            reply: oauthError(
              403,
              'access_denied',
              'No audience parameter was provided, and no default audience has been configured',
            ),
          };
        }
        if (audience !== CREDENTIALS.audience) {
          return {
            reply: oauthError(403, 'access_denied', `Service not found: ${audience.slice(0, 100)}`),
          };
        }
        const body = {
          access_token: book.issue(CREDENTIALS.clientId, options.lifetime, 'eyJhbGciOi.'),
          token_type: 'Bearer',
          expires_in: options.lifetime,
          scope: SCOPE,
        };
        return { reply: json(200, body), issued: true };
      },
      missingFieldBody: () => ({ token_type: 'Bearer', expires_in: options.lifetime }),
      authenticate: (token) => book.check(token),
      unauthorized: () =>
        json(
          401,
          { error: 'invalid_token', error_description: 'Invalid token' },
          { 'www-authenticate': 'Bearer error="invalid_token"' },
        ),
      api: (route) => (route === 'reports' ? json(200, EMULATOR_API_DATA.auth0) : undefined),
      revokeAll: () => book.clear(),
    },
    options,
  );
  return {
    emulator: { ...server, name: 'auth0', credentials: CREDENTIALS, domain: server.origin },
    close,
  };
}
