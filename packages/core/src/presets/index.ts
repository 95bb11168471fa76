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
import { klearstack } from './klearstack.js';
import { opsramp } from './opsramp.js';

export type { AlertSitePresetOptions } from './alertsite.js';
export type { AspNetTokenPresetOptions } from './aspnet-token.js';
export type { PresetCommonOptions } from './common.js';
export type { KlearStackPresetOptions } from './klearstack.js';
export type { OpsRampPresetOptions } from './opsramp.js';
export { ALERTSITE_BASE_URL, alertsite, aspnetToken, klearstack, opsramp };

/**
 * The four vendor presets:
 * - `alertsite({ username, password, baseUrl? })`
 * - `klearstack({ baseUrl, username, password, companyName, apiBaseUrl? })`
 * - `opsramp({ baseUrl, tenantId, clientId, clientSecret, scope? })`
 * - `aspnetToken({ baseUrl, username, password, tokenUrl?, apiBaseUrl? })`
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
   * OpsRamp: {@link flows.clientCredentials} against `{baseUrl}auth/oauth/token`; API calls
   * relative to `{baseUrl}api/v2/tenants/{tenantId}/`. Options: {@link OpsRampPresetOptions}.
   */
  opsramp,
  /**
   * ASP.NET-style Token API: {@link flows.passwordGrant} against `{origin}/Token` (each login
   * revokes the user's earlier tokens); API calls relative to `{baseUrl}api/`. Options:
   * {@link AspNetTokenPresetOptions}.
   */
  aspnetToken,
});
