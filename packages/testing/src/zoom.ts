import { EMULATOR_API_DATA } from './api-data.js';
import { EMULATOR_CREDENTIALS, type ZoomCredentials } from './credentials.js';
import { basicCredentials, parseForm } from './request.js';
import {
  json,
  type ProviderStartOptions,
  type Reply,
  type Started,
  startProviderServer,
  type TokenOutcome,
} from './server.js';
import { requestOrigin, tokenBook } from './token-book.js';
import type { ProviderEmulator } from './types.js';

const CREDENTIALS = EMULATOR_CREDENTIALS.zoom;

/**
 * Emulates Zoom's Server-to-Server OAuth (https://developers.zoom.us/docs/internal-apps/s2s-oauth/):
 * `POST /oauth/token` with `grant_type=account_credentials` and `account_id` (form fields or
 * query parameters) and the client authenticated by `Authorization: Basic
 * base64(client_id:client_secret)` answers `{access_token, token_type: "bearer", expires_in: 3599,
 * scope, api_url}`; there is no refresh token. Errors: `{ reason, error }` (400). API:
 * `GET /v2/users/me`.
 */
export interface ZoomEmulator extends ProviderEmulator {
  readonly name: 'zoom';
  /** The Server-to-Server OAuth app. */
  readonly credentials: ZoomCredentials;
}

/** Starts the Zoom emulator; tokens live `lifetime` seconds (Zoom: 1 hour). */
export async function startZoom(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<ZoomEmulator>> {
  const book = tokenBook<string>(options.now);
  const { close, ...server } = await startProviderServer(
    {
      name: 'zoom',
      tokenPaths: ['/oauth/token'],
      apiBasePath: '/v2/',
      async token(req): Promise<TokenOutcome> {
        const form = await parseForm(req);
        const field = (name: string) => form.get(name) ?? req.url.searchParams.get(name);
        const basic = basicCredentials(req.headers);
        if (
          basic === undefined ||
          basic === 'malformed' ||
          basic.id !== CREDENTIALS.clientId ||
          basic.secret !== CREDENTIALS.clientSecret
        ) {
          return { reply: zoomError('invalid_client', 'Invalid client_id or client_secret') };
        }
        if (field('grant_type') !== 'account_credentials') {
          return { reply: zoomError('unsupported_grant_type', 'unsupported grant type') };
        }
        if (field('account_id') !== CREDENTIALS.accountId) {
          return { reply: zoomError('invalid_request', 'Invalid account_id') };
        }
        const body = {
          access_token: book.issue(CREDENTIALS.accountId, options.lifetime, 'eyJzdiI6.'),
          token_type: 'bearer',
          expires_in: options.lifetime,
          scope: 'user:read:admin',
          api_url: requestOrigin(req.headers),
        };
        return { reply: json(200, body), issued: true };
      },
      missingFieldBody: () => ({ token_type: 'bearer', expires_in: options.lifetime }),
      authenticate: (token) => book.check(token),
      unauthorized: () => json(401, { code: 124, message: 'Invalid access token.' }),
      api: (route) => (route === 'users/me' ? json(200, EMULATOR_API_DATA.zoom) : undefined),
      revokeAll: () => book.clear(),
    },
    options,
  );
  return { emulator: { ...server, name: 'zoom', credentials: CREDENTIALS }, close };
}

/** Zoom's OAuth error body: `{ reason, error }`, HTTP 400. */
function zoomError(error: string, reason: string): Reply {
  return json(400, { reason, error });
}
