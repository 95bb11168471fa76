import { clientCredentials } from '../flows/client-credentials.js';
import type { ClientAuthMethod } from '../flows/oauth2/client-auth.js';
import { requireString } from '../shared/validate-options.js';
import { definePreset, directoryUrl, type PresetCommonOptions, vendorOrigin } from './common.js';

/** Options of {@link presets.auth0}. */
export interface Auth0PresetOptions extends PresetCommonOptions {
  /** Your tenant's domain (application settings, "Domain"), e.g. `acme.eu.auth0.com`, or its URL. */
  domain: string;
  /** The M2M application's Client ID (application settings). */
  clientId: string;
  /** The M2M application's Client Secret (application settings). */
  clientSecret: string;
  /** The API's Identifier (APIs → your API → Settings): the `audience` Auth0 requires. */
  audience: string;
  /** Base URL of the API you call with the tokens. */
  baseUrl: string | URL;
  /** Requested scope, e.g. `read:reports`. Default: none sent (Auth0 grants what the app may). */
  scope?: string | readonly string[];
  /** Client authentication. Default `client_secret_post` (Auth0's documented form fields). */
  auth?: Extract<ClientAuthMethod, 'client_secret_basic' | 'client_secret_post'>;
  /** Token endpoint. Default `https://{domain}/oauth/token`. */
  tokenUrl?: string | URL;
}

/**
 * Auth0 machine-to-machine: {@link flows.clientCredentials} against `https://{domain}/oauth/token`
 * with the `audience` Auth0 requires (it refuses a request without one unless the tenant has a
 * default audience). Tokens live 24 hours by default (the API's "Token Expiration" setting), from
 * `expires_in`. Wrong credentials answer 401 `access_denied`, an unknown audience 403: both become
 * `TOKEN_ENDPOINT_REJECTED` with `vendorCode: 'access_denied'`.
 *
 * Docs: https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow/call-your-api-using-the-client-credentials-flow
 *
 * Defaults: `tokenUrl: https://{domain}/oauth/token`, `auth: 'client_secret_post'`.
 * Other client options pass through.
 *
 * @example
 * const clients = createAuthClients({
 *   reports: presets.auth0({
 *     domain: 'acme.eu.auth0.com',
 *     clientId,
 *     clientSecret,
 *     audience: 'https://reports.acme.example/',
 *     baseUrl: 'https://reports.acme.example/v1/',
 *   }),
 * });
 */
export const auth0 = /* @__PURE__ */ definePreset<Auth0PresetOptions>({
  keys: {
    domain: true,
    clientId: true,
    clientSecret: true,
    audience: true,
    baseUrl: true,
    scope: true,
    auth: true,
    tokenUrl: true,
  },
  build(
    { domain, clientId, clientSecret, audience, baseUrl, scope, auth, tokenUrl },
    { insecure, flowOptions },
  ) {
    const tenant = vendorOrigin('domain', domain, insecure);
    return {
      baseUrl: directoryUrl('baseUrl', baseUrl, insecure).href,
      flow: clientCredentials({
        tokenUrl: tokenUrl ?? new URL('oauth/token', tenant).href,
        clientId,
        clientSecret,
        audience: requireString('audience', audience),
        auth: auth ?? 'client_secret_post',
        ...(scope === undefined ? {} : { scope }),
        ...flowOptions,
      }),
    };
  },
});
