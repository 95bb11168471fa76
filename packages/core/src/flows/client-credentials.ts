import { genericGrantRequest } from 'openid-client';
import { type DPoPOption } from '../engine/dpop.js';
import { withCredentials } from '../engine/shared-entries.js';
import type { TokenResponse } from '../engine/token.js';
import type { FlowRequest, TokenFlow } from '../engine/token-flow.js';
import { AuthConfigError } from '../errors.js';
import {
  joinOptionKeys,
  type OptionKeys,
  optionalString,
  rejectUnknownOptions,
  requireStringRecord,
} from '../shared/validate-options.js';
import { CLIENT_AUTH_OPTION_KEYS, type ClientAuthOptions } from './oauth2/client-auth.js';
import { grantSetup } from './oauth2/grant-setup.js';
import type { NamedFlowOptions } from './oauth2/key-shorthands.js';
import { runGrant, scopeOption } from './oauth2/oauth2-client.js';

/** Options of {@link clientCredentials}. */
export interface ClientCredentialsOptions extends ClientAuthOptions {
  /** Absolute URL of the token endpoint, e.g. `https://tenant.api.opsramp.com/auth/oauth/token`. */
  tokenUrl?: string | URL;
  /**
   * Opt-in alternative to `tokenUrl`: an issuer whose `/.well-known/openid-configuration` (or
   * OAuth metadata) names the token endpoint. Discovered once, on the first token request.
   */
  issuer?: string | URL;
  /** Client id (OpsRamp: the integration's "Key"). */
  clientId: string;
  /**
   * Client secret (OpsRamp: "Secret"), for the `client_secret_*` methods. Never logged or printed.
   * Not used with `private_key_jwt` or mutual TLS.
   */
  clientSecret?: string;
  /** Requested scope, a space-separated string or a list. Default: none sent. */
  scope?: string | readonly string[];
  /** `audience` parameter (Auth0 and others). Default: none sent. */
  audience?: string;
  /** `resource` parameter (RFC 8707). Default: none sent. */
  resource?: string;
  /**
   * `grant_type` to send, for vendor grants shaped like client credentials (Zoom:
   * `account_credentials`). Default `client_credentials`.
   */
  grantType?: string;
  /**
   * Further form fields of the token request (Zoom: `{ account_id }`). Not secret: they are part
   * of the cache key. May not repeat a field the flow sets (`grant_type`, `client_id`, `scope`…).
   * Default: none.
   */
  parameters?: Readonly<Record<string, string>>;
  /**
   * DPoP (RFC 9449): `dpopKey()` generates a key pair for this client, `dpopKey({ privateKey,
   * publicKey })` uses yours (share it across a fleet to share the token). Tokens come back bound
   * to the key; API calls carry `Authorization: DPoP …` and a fresh proof. `flows.clientCredentials`
   * also takes the shorthands `true` and a key pair. Default `false`.
   */
  dpop?: DPoPOption;
  /** Lifetime in seconds when the response has no `expires_in`. Default `3600`. */
  lifetimeSeconds?: number;
  /** Allow plain `http:` to a non-loopback host. Default `false`. */
  allowInsecureHttp?: boolean;
}

/** Form fields the flow or its client authentication sets; `parameters` may not repeat them. */
const FLOW_FIELDS = new Set([
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'scope',
  'audience',
  'resource',
]);

const CLIENT_CREDENTIALS_OPTION_KEYS = /* @__PURE__ */ joinOptionKeys(
  {
    tokenUrl: true,
    issuer: true,
    clientId: true,
    clientSecret: true,
    scope: true,
    audience: true,
    resource: true,
    grantType: true,
    parameters: true,
  },
  CLIENT_AUTH_OPTION_KEYS,
  {
    dpop: true,
    lifetimeSeconds: true,
    allowInsecureHttp: true,
  },
) satisfies OptionKeys<ClientCredentialsOptions>;

/**
 * OAuth2 client credentials grant (RFC 6749 §4.4) through openid-client: form
 * `grant_type=client_credentials` plus client authentication, `scope` / `audience` / `resource`
 * when given. Expiry from `expires_in`. Only `bearer` tokens are accepted. No refresh tokens
 * (§4.4.3): the manager simply asks again.
 *
 * Client authentication: `clientSecret` (`client_secret_post` by default, `client_secret_basic`,
 * `client_secret_jwt`), `auth: privateKeyJwt({ privateKey })` (`private_key_jwt`; the shorthand
 * `privateKey` in `flows.clientCredentials`), or mutual TLS (`tls_client_auth`,
 * `self_signed_tls_client_auth` with `tls` from `@auth/core/node`). `dpop: dpopKey()` binds tokens
 * to a key. Imported by name, the flow bundles neither DPoP nor JWT signing unless the app imports
 * `dpopKey` or `privateKeyJwt`.
 *
 * Vendor variants: `grantType` and `parameters` change the grant and add form fields (Zoom's
 * `account_credentials` with `account_id`); the answer is read the same way.
 *
 * Defaults: `auth: 'client_secret_post'` (`private_key_jwt` with a `privateKey`), `dpop: false`,
 * `lifetimeSeconds: 3600`, `allowInsecureHttp: false`.
 * Id: `clientCredentials`.
 *
 * @example
 * import { clientCredentials } from '@auth/core';
 * const flow = clientCredentials({
 *   tokenUrl: 'https://acme.api.opsramp.com/auth/oauth/token',
 *   clientId: 'vT9JKxpm9E',
 *   clientSecret: secret,
 *   scope: 'global:read',
 * });
 */
export function clientCredentials(options: NamedFlowOptions<ClientCredentialsOptions>): TokenFlow {
  rejectUnknownOptions(options, CLIENT_CREDENTIALS_OPTION_KEYS);
  const scope = scopeOption(options.scope);
  const audience = optionalString('audience', options.audience);
  const resource = optionalString('resource', options.resource);
  const grantType = optionalString('grantType', options.grantType) ?? 'client_credentials';
  const extra = requireStringRecord('parameters', options.parameters ?? {});
  const taken = Object.keys(extra).find((name) => FLOW_FIELDS.has(name));
  if (taken !== undefined) {
    throw new AuthConfigError('parameters', `must not set "${taken}" (the flow sets it)`);
  }
  const { clientId, clientSecret, lifetimeSeconds, source, ctx, client } = grantSetup(options, {
    flow: 'clientCredentials',
    clientId: 'required',
    defaultLifetimeSeconds: 3600,
  });
  const dpop = client.dpop;
  const parameters: Record<string, string> = { ...extra };
  if (scope !== undefined) parameters.scope = scope;
  if (audience !== undefined) parameters.audience = audience;
  if (resource !== undefined) parameters.resource = resource;

  return withCredentials(
    Object.freeze({
      id: 'clientCredentials',
      cacheKeyParts: Object.freeze([
        source.display.href,
        clientId ?? '',
        scope ?? '',
        audience ?? '',
        resource ?? '',
        ...(grantType === 'client_credentials' ? [] : [grantType]),
        ...Object.entries(extra).map(([name, value]) => `${name}=${value}`),
      ]),
      defaultLifetimeSeconds: lifetimeSeconds,
      ...(dpop === undefined ? {} : { dpop }),
      requestToken(req: FlowRequest): Promise<TokenResponse> {
        return runGrant(ctx, req, source, client, (config) =>
          genericGrantRequest(config, grantType, parameters),
        );
      },
    }),
    [clientSecret, client.auth.key, options.tls],
  );
}
