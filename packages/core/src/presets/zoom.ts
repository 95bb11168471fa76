import { clientCredentials } from '../flows/client-credentials.js';
import { requireString } from '../shared/validate-options.js';
import { definePreset, directoryUrl, type PresetCommonOptions } from './common.js';

/** Options of {@link presets.zoom}. */
export interface ZoomPresetOptions extends PresetCommonOptions {
  /** Account ID of the Server-to-Server OAuth app (its "App Credentials" page). */
  accountId: string;
  /** Client ID (App Credentials page). */
  clientId: string;
  /** Client Secret (App Credentials page). */
  clientSecret: string;
  /** API base. Default `https://api.zoom.us/v2/`. */
  baseUrl?: string | URL;
  /** Token endpoint. Default `https://zoom.us/oauth/token`. */
  tokenUrl?: string | URL;
}

/** Zoom's documented API base. */
export const ZOOM_BASE_URL = 'https://api.zoom.us/v2/';
/** Zoom's documented token endpoint. */
export const ZOOM_TOKEN_URL = 'https://zoom.us/oauth/token';

/**
 * Zoom Server-to-Server OAuth: Zoom's own `account_credentials` grant, shaped like client
 * credentials ({@link flows.clientCredentials} with `grantType: 'account_credentials'` and
 * `parameters: { account_id }`), the client authenticated with HTTP Basic as Zoom requires. Tokens
 * live one hour (`expires_in`); there is no refresh token, the preset simply asks again. Errors
 * `{ reason, error }` become `TOKEN_ENDPOINT_REJECTED` with `vendorCode` = `error`
 * (`invalid_client`…).
 *
 * Docs: https://developers.zoom.us/docs/internal-apps/s2s-oauth/
 *
 * Defaults: `baseUrl: 'https://api.zoom.us/v2/'`, `tokenUrl: 'https://zoom.us/oauth/token'`.
 * Other client options pass through.
 *
 * @example
 * const clients = createAuthClients({
 *   zoom: presets.zoom({ accountId, clientId, clientSecret }),
 * });
 * const me = await clients.zoom.fetch('users/me');
 */
export const zoom = /* @__PURE__ */ definePreset<ZoomPresetOptions>({
  keys: {
    accountId: true,
    clientId: true,
    clientSecret: true,
    baseUrl: true,
    tokenUrl: true,
  },
  build({ accountId, clientId, clientSecret, baseUrl, tokenUrl }, { insecure, flowOptions }) {
    return {
      baseUrl: directoryUrl('baseUrl', baseUrl ?? ZOOM_BASE_URL, insecure).href,
      flow: clientCredentials({
        tokenUrl: tokenUrl ?? ZOOM_TOKEN_URL,
        clientId,
        clientSecret,
        auth: 'client_secret_basic',
        grantType: 'account_credentials',
        parameters: { account_id: requireString('accountId', accountId) },
        ...flowOptions,
      }),
    };
  },
});
