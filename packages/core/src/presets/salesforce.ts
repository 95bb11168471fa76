import { jwtBearer } from '../flows/jwt-bearer.js';
import type { PrivateKeyInput } from '../shared/signing-key.js';
import { requireString } from '../shared/validate-options.js';
import { definePreset, directoryUrl, type PresetCommonOptions } from './common.js';

/** Options of {@link presets.salesforce}. */
export interface SalesforcePresetOptions extends PresetCommonOptions {
  /** Your org's instance URL (`https://acme.my.salesforce.com/`): API calls are relative to it. */
  instanceUrl: string | URL;
  /**
   * Login server. Default `https://login.salesforce.com/` (`https://test.salesforce.com/` for a
   * sandbox, or an Experience Cloud site URL).
   */
  loginUrl?: string | URL;
  /** The connected app's Consumer Key. */
  clientId: string;
  /** The private key of the certificate uploaded to the connected app ("Use digital signatures"). */
  privateKey: PrivateKeyInput;
  /** The Salesforce username the integration acts as (pre-authorized for the app). */
  username: string;
  /**
   * Assumed token lifetime in seconds: Salesforce's answer has no `expires_in`; a token lasts the
   * org's session timeout. Default `7200` (the default session timeout, 2 hours).
   */
  lifetimeSeconds?: number;
}

/** Salesforce's production login server. */
export const SALESFORCE_LOGIN_URL = 'https://login.salesforce.com/';

/**
 * Salesforce OAuth 2.0 JWT bearer flow: {@link jwtBearer} at
 * `{loginUrl}services/oauth2/token` with an RS256 assertion (`iss` = consumer key, `sub` =
 * username, `aud` = the login server without a trailing `/`, `exp` 3 minutes ahead, the most
 * Salesforce allows). The answer has no `expires_in`, so the token is assumed valid for
 * `lifetimeSeconds` (the org's session timeout); a session that ends earlier answers 401 and is
 * renewed once. `invalid_grant` ("user hasn't approved this consumer"…) and `invalid_client_id`
 * become `TOKEN_ENDPOINT_REJECTED` with the vendor's code and text.
 *
 * Docs: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 *
 * Defaults: `loginUrl: 'https://login.salesforce.com/'`, `lifetimeSeconds: 7200`. Other client
 * options pass through; the client's `now` also dates the assertions.
 *
 * @example
 * const clients = createAuthClients({
 *   salesforce: presets.salesforce({
 *     instanceUrl: 'https://acme.my.salesforce.com/',
 *     clientId: consumerKey,
 *     privateKey: pem,
 *     username: 'integration@acme.com',
 *   }),
 * });
 * const objects = await clients.salesforce.fetch('services/data/v62.0/sobjects');
 */
export const salesforce = /* @__PURE__ */ definePreset<SalesforcePresetOptions>({
  keys: {
    instanceUrl: true,
    loginUrl: true,
    clientId: true,
    privateKey: true,
    username: true,
    lifetimeSeconds: true,
  },
  build(
    { instanceUrl, loginUrl, clientId, privateKey, username, lifetimeSeconds },
    { common, insecure, flowOptions },
  ) {
    const login = directoryUrl('loginUrl', loginUrl ?? SALESFORCE_LOGIN_URL, insecure);
    return {
      baseUrl: directoryUrl('instanceUrl', instanceUrl, insecure).href,
      flow: jwtBearer({
        tokenUrl: new URL('services/oauth2/token', login).href,
        assertion: {
          privateKey,
          issuer: requireString('clientId', clientId),
          subject: requireString('username', username),
          audience: login.href.replace(/\/$/, ''),
          lifetimeSeconds: 180,
          ...(common.now === undefined ? {} : { now: common.now }),
        },
        lifetimeSeconds: lifetimeSeconds ?? 7200,
        ...flowOptions,
      }),
    };
  },
});
