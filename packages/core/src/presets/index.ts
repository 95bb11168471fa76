/**
 * Vendor presets: one call returns complete client options (`{ baseUrl, flow, ... }`) with the
 * vendor's documented endpoints and defaults.
 *
 * @example
 * import { createAuthClients, presets } from '@auth/core';
 * const clients = createAuthClients({ alertsite: presets.alertsite({ username, password }) });
 */
import { ALERTSITE_BASE_URL, alertsite } from './alertsite.js';
import { aspnetToken } from './aspnet-token.js';
import { auth0 } from './auth0.js';
import { ENTRA_AUTHORITY, entraId } from './entra-id.js';
import { GITHUB_BASE_URL, githubApp } from './github-app.js';
import { GOOGLE_TOKEN_URI, googleServiceAccount } from './google-service-account.js';
import { klearstack } from './klearstack.js';
import { okta } from './okta.js';
import { opsramp } from './opsramp.js';
import { SALESFORCE_LOGIN_URL, salesforce } from './salesforce.js';
import { ZOOM_BASE_URL, ZOOM_TOKEN_URL, zoom } from './zoom.js';

export type { AlertSitePresetOptions } from './alertsite.js';
export type { AspNetTokenPresetOptions } from './aspnet-token.js';
export type { Auth0PresetOptions } from './auth0.js';
export type { PresetCommonOptions } from './common.js';
export type { EntraIdCertificate, EntraIdPresetOptions } from './entra-id.js';
export type { GitHubAppPresetOptions } from './github-app.js';
export type {
  GoogleServiceAccountCredentials,
  GoogleServiceAccountPresetOptions,
} from './google-service-account.js';
export type { KlearStackPresetOptions } from './klearstack.js';
export type { OktaPresetOptions } from './okta.js';
export type { OpsRampPresetOptions } from './opsramp.js';
export type { SalesforcePresetOptions } from './salesforce.js';
export type { ZoomPresetOptions } from './zoom.js';
export {
  ALERTSITE_BASE_URL,
  alertsite,
  aspnetToken,
  auth0,
  ENTRA_AUTHORITY,
  entraId,
  GITHUB_BASE_URL,
  GOOGLE_TOKEN_URI,
  githubApp,
  googleServiceAccount,
  klearstack,
  okta,
  opsramp,
  SALESFORCE_LOGIN_URL,
  salesforce,
  ZOOM_BASE_URL,
  ZOOM_TOKEN_URL,
  zoom,
};

/**
 * The vendor presets:
 * - `alertsite({ username, password, baseUrl? })`
 * - `klearstack({ baseUrl, username, password, companyName, apiBaseUrl? })`
 * - `opsramp({ baseUrl, tenantId, clientId, clientSecret, scope? })`
 * - `aspnetToken({ baseUrl, username, password, tokenUrl?, apiBaseUrl? })`
 * - `githubApp({ appId, privateKey, installationId, baseUrl? })`
 * - `googleServiceAccount({ credentials, scopes, subject?, baseUrl })`
 * - `entraId({ tenantId, clientId, clientSecret | certificate, scope, baseUrl, authority? })`
 * - `salesforce({ instanceUrl, clientId, privateKey, username, loginUrl? })`
 * - `auth0({ domain, clientId, clientSecret, audience, baseUrl, tokenUrl? })`
 * - `okta({ issuer, clientId, privateKey, scopes, dpop?, baseUrl? })`
 * - `zoom({ accountId, clientId, clientSecret, baseUrl?, tokenUrl? })`
 *
 * Each also accepts every client option (`timeoutMs`, `store`, `fetch`...) and `allowInsecureHttp`.
 *
 * @namespace
 * @example
 * const options = presets.opsramp({ baseUrl, tenantId: 'client_1234', clientId, clientSecret });
 * // options.baseUrl === `${baseUrl}api/v2/tenants/client_1234/`
 */
export const presets = Object.freeze({
  /**
   * AlertSite Management API: {@link flows.jsonCredentials} against `{baseUrl}access-tokens`,
   * 1-hour tokens. Defaults: `baseUrl: 'https://api.alertsite.com/api/v3/'`. Options:
   * {@link AlertSitePresetOptions}.
   */
  alertsite,
  /**
   * KlearStack: {@link flows.formCredentials} with `company_name`, JWT expiry, refresh tokens; API
   * calls relative to `{baseUrl}api/`. Options: {@link KlearStackPresetOptions}.
   */
  klearstack,
  /**
   * OpsRamp: {@link clientCredentials} against `{baseUrl}auth/oauth/token`; API calls
   * relative to `{baseUrl}api/v2/tenants/{tenantId}/`. Options: {@link OpsRampPresetOptions}.
   */
  opsramp,
  /**
   * ASP.NET-style Token API: {@link passwordGrant} against `{origin}/Token` (each login
   * revokes the user's earlier tokens); API calls relative to `{baseUrl}api/`. Options:
   * {@link AspNetTokenPresetOptions}.
   */
  aspnetToken,
  /**
   * GitHub App installation tokens: an RS256 app JWT buys `{ token, expires_at }` (201) at
   * `{baseUrl}app/installations/{id}/access_tokens`. Options: {@link GitHubAppPresetOptions}.
   */
  githubApp,
  /**
   * Google service account: JWT bearer grant with `scope` in the assertion, `aud` = the key
   * file's `token_uri`. Options: {@link GoogleServiceAccountPresetOptions}.
   */
  googleServiceAccount,
  /**
   * Microsoft Entra ID client credentials, with a secret or a certificate (`x5t#S256` header).
   * Options: {@link EntraIdPresetOptions}.
   */
  entraId,
  /**
   * Salesforce JWT bearer flow (`aud` = login server, assertion valid 3 min, no `expires_in`).
   * Options: {@link SalesforcePresetOptions}.
   */
  salesforce,
  /** Auth0 M2M: client credentials with `audience`. Options: {@link Auth0PresetOptions}. */
  auth0,
  /** Okta service app: `private_key_jwt`, scopes, optional DPoP. Options: {@link OktaPresetOptions}. */
  okta,
  /**
   * Zoom Server-to-Server OAuth: `account_credentials` + `account_id`, Basic auth. Options:
   * {@link ZoomPresetOptions}.
   */
  zoom,
});
