import { createPublicKey } from 'node:crypto';
import { EMULATOR_API_DATA } from './api-data.js';
import { EMULATOR_CREDENTIALS, type SalesforceCredentials } from './credentials.js';
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

const CREDENTIALS = EMULATOR_CREDENTIALS.salesforce;
const TOKEN_PATH = '/services/oauth2/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Salesforce: the assertion's `exp` must be within 3 minutes. */
const MAX_ASSERTION_SECONDS = 180;
const ORG_ID = '00D5g000004XyzAEAS';
const USER_ID = '0055g00000AbCdEAAV';

/**
 * Emulates Salesforce's OAuth 2.0 JWT bearer flow
 * (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm): `POST
 * /services/oauth2/token` with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and an
 * RS256 `assertion` (`iss` = consumer key, `sub` = username, `aud` = the login origin, `exp`
 * within 3 minutes) answers `{access_token, scope, instance_url, id, token_type: "Bearer"}`:
 * **no `expires_in`** (the session lasts the org's session timeout, here `lifetime`). Errors:
 * 400 `invalid_grant` / `invalid_client_id`. API: `GET /services/data/v62.0/sobjects`.
 */
export interface SalesforceEmulator extends ProviderEmulator {
  readonly name: 'salesforce';
  /** The connected app and its user. */
  readonly credentials: SalesforceCredentials;
}

/** Starts the Salesforce emulator; sessions last `lifetime` seconds. */
export async function startSalesforce(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<SalesforceEmulator>> {
  const publicKey = createPublicKey(CREDENTIALS.privateKey);
  const book = tokenBook<string>(options.now);

  const { close, ...server } = await startProviderServer(
    {
      name: 'salesforce',
      tokenPaths: [TOKEN_PATH],
      apiBasePath: '/services/data/',
      async token(req): Promise<TokenOutcome> {
        const form = await parseForm(req);
        if (form.get('grant_type') !== JWT_BEARER) {
          return { reply: oauthError(400, 'unsupported_grant_type', 'grant type not supported') };
        }
        const origin = requestOrigin(req.headers);
        const checked = checkAssertion(form.get('assertion') ?? '', {
          publicKey,
          now: Math.floor(options.now() / 1000),
          maxLifetime: MAX_ASSERTION_SECONDS,
          issuer: CREDENTIALS.clientId,
          subject: CREDENTIALS.username,
          audience: origin,
        });
        if (isAssertionProblem(checked)) {
          if (checked.rule === 'issuer') {
            return { reply: oauthError(400, 'invalid_client_id', 'client identifier invalid') };
          }
          const message =
            checked.rule === 'subject'
              ? "user hasn't approved this consumer"
              : checked.rule === 'audience'
                ? 'audience is invalid'
                : 'invalid assertion';
          return { reply: oauthError(400, 'invalid_grant', message) };
        }
        const body = {
          access_token: book.issue(CREDENTIALS.username, options.lifetime, `${ORG_ID}!AR`),
          scope: 'api',
          instance_url: origin,
          id: `${origin}/id/${ORG_ID}/${USER_ID}`,
          token_type: 'Bearer',
        };
        return { reply: json(200, body), issued: true };
      },
      missingFieldBody: () => ({ scope: 'api', token_type: 'Bearer' }),
      authenticate: (token) => book.check(token),
      unauthorized: () =>
        json(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]),
      api: (route) =>
        route === 'v62.0/sobjects' ? json(200, EMULATOR_API_DATA.salesforce) : undefined,
      revokeAll: () => book.clear(),
    },
    options,
  );
  return { emulator: { ...server, name: 'salesforce', credentials: CREDENTIALS }, close };
}
