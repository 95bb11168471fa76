import { createPublicKey, randomBytes } from 'node:crypto';
import { EMULATOR_API_DATA } from './api-data.js';
import { EMULATOR_CREDENTIALS, type OktaCredentials } from './credentials.js';
import { checkDPoPProof } from './dpop-proof.js';
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
 * access_token, scope}`. With a `DPoP` proof header (an app that requires DPoP,
 * https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/), the first request is
 * refused with 400 `use_dpop_nonce` and a `DPoP-Nonce` header; a proof carrying that nonce gets
 * `token_type: "DPoP"`, a token bound to the proof's key, which the API accepts only as
 * `Authorization: DPoP …` with a proof of the same key (`ath` = the token's hash). Errors: 401
 * `invalid_client`, 400 `invalid_scope`, 400 `invalid_dpop_proof`. API: `GET /api/v1/users`
 * (needs `okta.users.read`).
 */
export interface OktaEmulator extends ProviderEmulator {
  readonly name: 'okta';
  /** The service app. */
  readonly credentials: OktaCredentials;
  /** The issuer of the org authorization server (this emulator's origin). */
  readonly issuer: string;
}

/** Whose an Okta token is: its scopes, and the DPoP key it is bound to. */
interface OktaPrincipal {
  scopes: readonly string[];
  jkt?: string;
}

/** Starts the Okta emulator; tokens live `lifetime` seconds (Okta: 1 hour). */
export async function startOkta(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<OktaEmulator>> {
  const publicKey = createPublicKey(CREDENTIALS.privateKey);
  const book = tokenBook<OktaPrincipal>(options.now);
  const nonce = randomBytes(16).toString('base64url');
  const seconds = () => Math.floor(options.now() / 1000);
  const seenJti = new Set<string>();
  const invalidClient = (description: string) => oauthError(401, 'invalid_client', description);

  const { close, ...server } = await startProviderServer(
    {
      name: 'okta',
      tokenPaths: [TOKEN_PATH],
      apiBasePath: '/api/v1/',
      async token(req): Promise<TokenOutcome> {
        const form = await parseForm(req);
        const proof = req.headers.dpop;
        let jkt: string | undefined;
        if (typeof proof === 'string') {
          const checked = checkDPoPProof(proof, {
            method: 'POST',
            url: `${requestOrigin(req.headers)}${TOKEN_PATH}`,
            now: seconds(),
            nonce,
          });
          if (checked === 'use_dpop_nonce') {
            const body = {
              error: 'use_dpop_nonce',
              error_description: 'Authorization server requires nonce in DPoP proof.',
            };
            return { reply: json(400, body, { 'dpop-nonce': nonce }) };
          }
          if (typeof checked === 'string') {
            return { reply: oauthError(400, 'invalid_dpop_proof', checked) };
          }
          jkt = checked.jkt;
        }
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
        const principal = jkt === undefined ? { scopes } : { scopes, jkt };
        const body = {
          token_type: jkt === undefined ? 'Bearer' : 'DPoP',
          expires_in: options.lifetime,
          access_token: book.issue(principal, options.lifetime, 'okta.'),
          scope: scopes.join(' '),
        };
        return { reply: json(200, body), issued: true };
      },
      missingFieldBody: () => ({ token_type: 'Bearer', expires_in: options.lifetime }),
      authenticate: (token) => book.check(token),
      authorize({ method, url, headers }) {
        const [, scheme, token] = /^(Bearer|DPoP) +(\S+)$/i.exec(headers.authorization ?? '') ?? [];
        const principal = token === undefined ? undefined : book.check(token);
        if (principal === undefined) return undefined;
        if (principal.jkt === undefined)
          return scheme?.toLowerCase() === 'bearer' ? principal : undefined;
        const proof = headers.dpop;
        if (scheme?.toLowerCase() !== 'dpop' || typeof proof !== 'string') return undefined;
        const checked = checkDPoPProof(proof, {
          method,
          url: `${url.origin}${url.pathname}`,
          now: seconds(),
          accessToken: token,
        });
        return typeof checked !== 'string' && checked.jkt === principal.jkt ? principal : undefined;
      },
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
      api(route, { scopes }) {
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
