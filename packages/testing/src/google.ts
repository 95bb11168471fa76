import { createPublicKey } from 'node:crypto';
import { EMULATOR_API_DATA } from './api-data.js';
import { EMULATOR_CREDENTIALS, type GoogleServiceAccountKey } from './credentials.js';
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

const KEY = EMULATOR_CREDENTIALS.google;
const TOKEN_PATH = '/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google wants short-lived assertions: `exp` at most 60 minutes ahead. */
const MAX_ASSERTION_SECONDS = 3600;
/** Scopes this emulator grants (a prefix check, as any Google API scope would do). */
const SCOPE_PREFIX = 'https://www.googleapis.com/auth/';

/** A Google service account key file, as downloaded from the console. */
export interface GoogleServiceAccountKeyFile extends GoogleServiceAccountKey {
  /** The token endpoint the assertion is audienced to (this emulator's). */
  readonly token_uri: string;
}

/**
 * Emulates Google's OAuth 2.0 for service accounts
 * (https://developers.google.com/identity/protocols/oauth2/service-account): `POST /token` with
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and an RS256 `assertion` (`iss` = the
 * key file's `client_email`, `scope` = space-separated scopes, `aud` = `token_uri`, `exp` at most
 * 1 hour ahead, `kid` = `private_key_id`) answers `{access_token, expires_in: 3599,
 * token_type: "Bearer"}`. Errors are RFC 6749 (`invalid_grant`, `invalid_scope`). API:
 * `GET /storage/v1/b`.
 */
export interface GoogleEmulator extends ProviderEmulator {
  readonly name: 'google';
  /** The key file, with this emulator's `token_uri`. */
  readonly credentials: GoogleServiceAccountKeyFile;
  /** A scope the emulator grants. */
  readonly scope: string;
}

/** Starts the Google emulator; tokens live `lifetime` seconds (Google: 3599). */
export async function startGoogle(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<GoogleEmulator>> {
  const publicKey = createPublicKey(KEY.private_key);
  const book = tokenBook<string>(options.now);

  const { close, ...server } = await startProviderServer(
    {
      name: 'google',
      tokenPaths: [TOKEN_PATH],
      apiBasePath: '/storage/v1/',
      async token(req): Promise<TokenOutcome> {
        const form = await parseForm(req);
        if (form.get('grant_type') !== JWT_BEARER) {
          return { reply: oauthError(400, 'unsupported_grant_type', 'Invalid grant_type') };
        }
        const checked = checkAssertion(form.get('assertion') ?? '', {
          publicKey,
          now: Math.floor(options.now() / 1000),
          maxLifetime: MAX_ASSERTION_SECONDS,
          issuer: KEY.client_email,
          audience: `${requestOrigin(req.headers)}${TOKEN_PATH}`,
        });
        if (isAssertionProblem(checked)) {
          const message =
            checked.rule === 'time'
              ? 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.'
              : checked.rule === 'issuer'
                ? 'Invalid grant: account not found'
                : checked.rule === 'audience'
                  ? 'Invalid JWT: Failed audience check.'
                  : 'Invalid JWT Signature.';
          return { reply: oauthError(400, 'invalid_grant', message) };
        }
        if (checked.header.kid !== undefined && checked.header.kid !== KEY.private_key_id) {
          return { reply: oauthError(400, 'invalid_grant', 'Invalid JWT Signature.') };
        }
        const scope = checked.claims.scope;
        const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
        if (scopes.length === 0 || scopes.some((s) => !s.startsWith(SCOPE_PREFIX))) {
          return {
            reply: oauthError(
              400,
              'invalid_scope',
              'Invalid OAuth scope or ID token audience provided.',
            ),
          };
        }
        const body = {
          access_token: book.issue(KEY.client_email, options.lifetime, 'ya29.'),
          expires_in: options.lifetime,
          token_type: 'Bearer',
        };
        return { reply: json(200, body), issued: true };
      },
      missingFieldBody: () => ({ expires_in: options.lifetime, token_type: 'Bearer' }),
      authenticate: (token) => book.check(token),
      unauthorized: () =>
        json(
          401,
          { error: { code: 401, message: 'Invalid Credentials', status: 'UNAUTHENTICATED' } },
          {
            'www-authenticate':
              'Bearer realm="https://accounts.google.com/", error="invalid_token"',
          },
        ),
      api: (route) => (route === 'b' ? json(200, EMULATOR_API_DATA.google) : undefined),
      revokeAll: () => book.clear(),
    },
    options,
  );
  return {
    emulator: {
      ...server,
      name: 'google',
      credentials: Object.freeze({ ...KEY, token_uri: server.tokenUrl }),
      scope: `${SCOPE_PREFIX}devstorage.read_only`,
    },
    close,
  };
}
