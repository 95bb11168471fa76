import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { EMULATOR_API_DATA } from './api-data.js';
import { EMULATOR_CREDENTIALS, type EntraIdCredentials } from './credentials.js';
import { checkAssertion, isAssertionProblem } from './jwt.js';
import { parseForm } from './request.js';
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

const CREDENTIALS = EMULATOR_CREDENTIALS.entra;
const TOKEN_PATH = `/${CREDENTIALS.tenantId}/oauth2/v2.0/token`;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Entra accepts client assertions valid for at most 10 minutes here (its docs suggest 5-10). */
const MAX_ASSERTION_SECONDS = 600;

/**
 * Emulates the Microsoft identity platform's client credentials grant
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow and
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials):
 * `POST /{tenant}/oauth2/v2.0/token` with `grant_type=client_credentials`, `client_id`,
 * `scope={resource}/.default`, and either `client_secret` or a certificate assertion (RS256 or
 * PS256, header `x5t#S256` = SHA-256 thumbprint of the uploaded certificate, `iss` = `sub` =
 * client id, `aud` = the token URL) answers `{token_type: "Bearer", expires_in, ext_expires_in,
 * access_token}`. Errors carry `error`, `error_description` ("AADSTS…"), `error_codes`,
 * `timestamp`, `trace_id`, `correlation_id`. API: `GET /v1.0/organization`.
 */
export interface EntraIdEmulator extends ProviderEmulator {
  readonly name: 'entra';
  /** The app registration: tenant, client id, secret, certificate and its key. */
  readonly credentials: EntraIdCredentials;
  /** The authority to pass to the preset (this emulator's origin, ending in `/`). */
  readonly authority: string;
}

/** Starts the Entra ID emulator; tokens live `lifetime` seconds (Entra: about 1 hour). */
export async function startEntraId(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<EntraIdEmulator>> {
  const publicKey = createPublicKey(CREDENTIALS.privateKey);
  const der = new X509Certificate(CREDENTIALS.certificate).raw;
  const thumbprints = {
    'x5t#S256': createHash('sha256').update(der).digest('base64url'),
    x5t: createHash('sha1').update(der).digest('base64url'),
  };
  const book = tokenBook<string>(options.now);

  const authenticateClient = (form: URLSearchParams, origin: string): Reply | undefined => {
    const assertion = form.get('client_assertion');
    if (assertion === null) {
      return form.get('client_secret') === CREDENTIALS.clientSecret
        ? undefined
        : entraError(
            401,
            'invalid_client',
            7000215,
            'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
          );
    }
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      return entraError(400, 'invalid_request', 700232, 'The client_assertion_type is invalid.');
    }
    const checked = checkAssertion(assertion, {
      publicKey,
      now: Math.floor(options.now() / 1000),
      maxLifetime: MAX_ASSERTION_SECONDS,
      skew: 300,
      issuer: CREDENTIALS.clientId,
      subject: CREDENTIALS.clientId,
      audience: `${origin}${TOKEN_PATH}`,
    });
    if (isAssertionProblem(checked)) {
      if (checked.rule === 'time') {
        return entraError(
          401,
          'invalid_client',
          700024,
          'Client assertion is not within its valid time range.',
        );
      }
      if (checked.rule === 'audience') {
        return entraError(
          401,
          'invalid_client',
          700212,
          'The audience claim of the client assertion must be the token endpoint.',
        );
      }
      return entraError(
        401,
        'invalid_client',
        700027,
        'Client assertion failed signature validation.',
      );
    }
    const { header } = checked;
    const named = header['x5t#S256'] ?? header.x5t;
    const expected = header['x5t#S256'] === undefined ? thumbprints.x5t : thumbprints['x5t#S256'];
    if (named !== expected) {
      return entraError(
        401,
        'invalid_client',
        700027,
        `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${String(named ?? 'none').slice(0, 64)}']`,
      );
    }
    return undefined;
  };

  const { close, ...server } = await startProviderServer(
    {
      name: 'entra',
      tokenPaths: [TOKEN_PATH],
      apiBasePath: '/v1.0/',
      async token(req): Promise<TokenOutcome> {
        const form = await parseForm(req);
        if (form.get('grant_type') !== 'client_credentials') {
          return {
            reply: entraError(
              400,
              'unsupported_grant_type',
              70003,
              'The app requested an unsupported grant type.',
            ),
          };
        }
        if (form.get('client_id') !== CREDENTIALS.clientId) {
          return {
            reply: entraError(
              400,
              'unauthorized_client',
              700016,
              `Application with identifier '${(form.get('client_id') ?? '').slice(0, 64)}' was not found in the directory.`,
            ),
          };
        }
        const refused = authenticateClient(form, requestOrigin(req.headers));
        if (refused !== undefined) return { reply: refused };
        const scope = form.get('scope') ?? '';
        if (!scope.endsWith('/.default')) {
          return {
            reply: entraError(
              400,
              'invalid_scope',
              1002012,
              'The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
            ),
          };
        }
        if (scope !== CREDENTIALS.scope) {
          return {
            reply: entraError(
              400,
              'invalid_resource',
              500011,
              'The resource principal was not found in the tenant.',
            ),
          };
        }
        const body = {
          token_type: 'Bearer',
          expires_in: options.lifetime,
          ext_expires_in: options.lifetime,
          access_token: book.issue(CREDENTIALS.clientId, options.lifetime, 'eyJ0eXAi.'),
        };
        return { reply: json(200, body), issued: true };
      },
      missingFieldBody: () => ({ token_type: 'Bearer', expires_in: options.lifetime }),
      authenticate: (token) => book.check(token),
      unauthorized: () =>
        json(
          401,
          {
            error: {
              code: 'InvalidAuthenticationToken',
              message: 'Access token has expired or is not yet valid.',
            },
          },
          { 'www-authenticate': 'Bearer realm="", error="invalid_token"' },
        ),
      api: (route) => (route === 'organization' ? json(200, EMULATOR_API_DATA.entra) : undefined),
      revokeAll: () => book.clear(),
    },
    options,
  );
  return {
    emulator: {
      ...server,
      name: 'entra',
      credentials: CREDENTIALS,
      authority: `${server.origin}/`,
    },
    close,
  };
}

/** The Microsoft identity platform's error body. */
function entraError(status: number, error: string, code: number, message: string): Reply {
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${message}`,
    error_codes: [code],
    timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19),
    trace_id: '0b2f6f61-1d52-4a6e-9d55-3f1a8c7e2a00',
    correlation_id: '5c7c1e2e-7a3d-4e5b-8f0a-9d6b3c2e1f00',
    error_uri: 'https://login.microsoftonline.com/error',
  });
}
