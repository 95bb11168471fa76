import { genericGrantRequest } from 'openid-client';
import { type DPoPOption } from '../engine/dpop.js';
import { withCredentials } from '../engine/shared-entries.js';
import type { TokenResponse } from '../engine/token.js';
import type { FlowRequest, TokenFlow } from '../engine/token-flow.js';
import {
  joinOptionKeys,
  type OptionKeys,
  optionalString,
  rejectUnknownOptions,
  requireString,
} from '../shared/validate-options.js';
import { createFlowContext, flowError } from './flow-context.js';
import { CLIENT_AUTH_OPTION_KEYS, type ClientAuthOptions } from './oauth2/client-auth.js';
import { grantSetup } from './oauth2/grant-setup.js';
import type { NamedFlowOptions } from './oauth2/key-shorthands.js';
import { runGrant, scopeOption } from './oauth2/oauth2-client.js';
import type { RejectionHint } from './read-token-body.js';

/** `grant_type` of RFC 8693. */
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** Token type URN of an OAuth access token (RFC 8693 §3). */
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Error codes with which a server refuses the tokens of an exchange (RFC 8693 §2.2.2: `invalid_request`). */
const TOKEN_REFUSED = new Set(['invalid_request', 'invalid_grant', 'invalid_token']);

/**
 * What a 400 that refuses the exchange's tokens rather than this client means: the fix is a valid
 * subject token from the caller, not other client credentials.
 */
function tokensRefused(actorToken: string | undefined): RejectionHint {
  const tokens = actorToken === undefined ? 'subject token' : 'subject token or the actor token';
  return (status, vendor) =>
    status === 400 && (vendor.vendorCode === undefined || TOKEN_REFUSED.has(vendor.vendorCode))
      ? `the ${tokens} was refused (invalid, expired, revoked or not accepted for this exchange)`
      : undefined;
}

/** Options of {@link tokenExchange}. */
export interface TokenExchangeOptions extends ClientAuthOptions {
  /** Absolute URL of the token endpoint. */
  tokenUrl?: string | URL;
  /** Opt-in alternative to `tokenUrl`: an issuer whose metadata names the token endpoint. */
  issuer?: string | URL;
  /** Client id of this service at the authorization server. */
  clientId: string;
  /** Client secret, for the `client_secret_*` methods. Never logged or printed. */
  clientSecret?: string;
  /**
   * Type of the subject token, e.g. `urn:ietf:params:oauth:token-type:access_token` (a token of
   * the incoming request) or `urn:ietf:params:oauth:token-type:jwt`.
   */
  subjectTokenType: string;
  /** `audience`: the logical name of the downstream service. Default: none sent. */
  audience?: string;
  /** `resource`: the downstream service's URL (RFC 8707). Default: none sent. */
  resource?: string;
  /** Requested scope, a space-separated string or a list. Default: none sent. */
  scope?: string | readonly string[];
  /** `requested_token_type`. Default: none sent (the server's choice, usually an access token). */
  requestedTokenType?: string;
  /** `actor_token`: who acts on the subject's behalf (delegation). Never printed. Default: none. */
  actorToken?: string;
  /** `actor_token_type`. Default `urn:ietf:params:oauth:token-type:access_token` when `actorToken` is given. */
  actorTokenType?: string;
  /** DPoP-bound tokens (`dpopKey()`, as for `clientCredentials`). Default `false`. */
  dpop?: DPoPOption;
  /** Lifetime in seconds when the response has no `expires_in`. Default `300`. */
  lifetimeSeconds?: number;
  /** Allow plain `http:` to a non-loopback host. Default `false`. */
  allowInsecureHttp?: boolean;
}

/** Every option key, for the unknown-option check. */
const TOKEN_EXCHANGE_OPTION_KEYS = /* @__PURE__ */ joinOptionKeys(CLIENT_AUTH_OPTION_KEYS, {
  tokenUrl: true,
  issuer: true,
  clientId: true,
  clientSecret: true,
  subjectTokenType: true,
  audience: true,
  resource: true,
  scope: true,
  requestedTokenType: true,
  actorToken: true,
  actorTokenType: true,
  dpop: true,
  lifetimeSeconds: true,
  allowInsecureHttp: true,
}) satisfies OptionKeys<TokenExchangeOptions>;

/**
 * OAuth 2.0 Token Exchange (RFC 8693): trades the caller's subject token for a token to a
 * downstream service, on behalf of that subject. The subject token comes per request:
 * `client.withContext({ subjectToken })`, or the adapters' `subjectToken: (request) => …` option.
 * Tokens are cached per subject (the subject token's hash is part of the cache key, entries are
 * bounded by `maxCachedTenants`) and never shared between subjects. Without a subject token a
 * call fails with `SUBJECT_TOKEN_MISSING`.
 *
 * Defaults: `auth: 'client_secret_post'`, `lifetimeSeconds: 300`, no `audience` / `resource` /
 * `scope` / `requested_token_type` sent. Id: `tokenExchange`.
 *
 * @example
 * const flow = flows.tokenExchange({
 *   tokenUrl: 'https://idp.example.com/oauth/token',
 *   clientId: 'orders-service',
 *   clientSecret: secret,
 *   subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
 *   audience: 'https://billing.example.com',
 * });
 * const billing = clients.billing.withContext({ subjectToken: incomingAccessToken });
 */
export function tokenExchange(options: NamedFlowOptions<TokenExchangeOptions>): TokenFlow {
  rejectUnknownOptions(options, TOKEN_EXCHANGE_OPTION_KEYS);
  const subjectTokenType = requireString('subjectTokenType', options.subjectTokenType);
  const audience = optionalString('audience', options.audience);
  const resource = optionalString('resource', options.resource);
  const scope = scopeOption(options.scope);
  const requestedTokenType = optionalString('requestedTokenType', options.requestedTokenType);
  const actorToken = optionalString('actorToken', options.actorToken);
  const actorTokenType = optionalString('actorTokenType', options.actorTokenType);
  const setup = grantSetup(options, {
    flow: 'tokenExchange',
    clientId: 'required',
    defaultLifetimeSeconds: 300,
  });
  const { clientId, clientSecret, lifetimeSeconds, source } = setup;
  const dpop = setup.client.dpop;
  const parameters: Record<string, string> = { subject_token_type: subjectTokenType };
  if (audience !== undefined) parameters.audience = audience;
  if (resource !== undefined) parameters.resource = resource;
  if (scope !== undefined) parameters.scope = scope;
  if (requestedTokenType !== undefined) parameters.requested_token_type = requestedTokenType;
  if (actorToken !== undefined) {
    parameters.actor_token = actorToken;
    parameters.actor_token_type = actorTokenType ?? ACCESS_TOKEN_TYPE;
  }
  const client = { ...setup.client, rejectionHint: tokensRefused(actorToken) };

  return withCredentials(
    Object.freeze({
      id: 'tokenExchange',
      cacheKeyParts: Object.freeze([
        source.display.href,
        clientId ?? '',
        subjectTokenType,
        audience ?? '',
        resource ?? '',
        scope ?? '',
        requestedTokenType ?? '',
      ]),
      defaultLifetimeSeconds: lifetimeSeconds,
      usesSubjectToken: true,
      ...(dpop === undefined ? {} : { dpop }),
      async requestToken(req: FlowRequest): Promise<TokenResponse> {
        const subjectToken = req.subjectToken;
        // Per request: the redactor also knows this subject's token.
        const ctx = createFlowContext('tokenExchange', source.display, [
          clientSecret,
          actorToken,
          subjectToken,
        ]);
        if (subjectToken === undefined || subjectToken.length === 0) {
          throw flowError(
            ctx,
            'SUBJECT_TOKEN_MISSING',
            'no subject token: pass it with withContext({ subjectToken }) or the adapter option subjectToken',
          );
        }
        return runGrant(ctx, req, source, client, (config) =>
          genericGrantRequest(config, TOKEN_EXCHANGE, {
            ...parameters,
            subject_token: subjectToken,
          }),
        );
      },
    }),
    [clientSecret, actorToken, client.auth.key, options.tls],
  );
}
