import { passwordGrant } from '../flows/password-grant.js';
import {
  definePreset,
  directoryUrl,
  type PresetCommonOptions,
  requireServerRoot,
} from './common.js';

/** Options of {@link presets.aspnetToken}. */
export interface AspNetTokenPresetOptions extends PresetCommonOptions {
  /**
   * Root of the site, e.g. `https://sandbox.sample/`. The API base (ending in `api/`) is refused:
   * pass that as `apiBaseUrl`.
   */
  baseUrl: string | URL;
  /** User name. */
  username: string;
  /** Password. */
  password: string;
  /** Token endpoint. Default `{origin of baseUrl}/Token` (the ASP.NET Web API template's path). */
  tokenUrl?: string | URL;
  /** API base. Default `{baseUrl}api/`. */
  apiBaseUrl?: string | URL;
  /** Client id, if the server wants one. Default: none sent. */
  clientId?: string;
  /** Client secret (needs `clientId`). Default: none. */
  clientSecret?: string;
}

/**
 * An ASP.NET-style Token API: {@link flows.passwordGrant} against `/Token`, expiry from `expires_in`
 * (else `.expires`). Such a server **revokes every earlier token of the user on each login**: share
 * one client (and, across a fleet, one shared store) per account.
 *
 * Defaults: `tokenUrl: origin + '/Token'`, `apiBaseUrl: baseUrl + 'api/'`, no client id.
 * Other client options pass through.
 *
 * @example
 * const clients = createAuthClients({
 *   platform: presets.aspnetToken({
 *     baseUrl: 'https://sandbox.sample/',
 *     username: 'user@example.com',
 *     password,
 *   }),
 * });
 * const me = await clients.platform.fetch('me');
 */
export const aspnetToken = /* @__PURE__ */ definePreset<AspNetTokenPresetOptions>({
  keys: {
    baseUrl: true,
    username: true,
    password: true,
    tokenUrl: true,
    apiBaseUrl: true,
    clientId: true,
    clientSecret: true,
  },
  build(
    { baseUrl, username, password, tokenUrl, apiBaseUrl, clientId, clientSecret },
    { insecure, flowOptions },
  ) {
    const root = directoryUrl('baseUrl', baseUrl, insecure);
    requireServerRoot(root, /\/api\/$/, 'https://sandbox.sample/');
    const api = directoryUrl('apiBaseUrl', apiBaseUrl ?? new URL('api/', root), insecure);
    return {
      baseUrl: api.href,
      flow: passwordGrant({
        tokenUrl: tokenUrl ?? new URL('/Token', root).href,
        username,
        password,
        ...(clientId === undefined ? {} : { clientId }),
        ...(clientSecret === undefined ? {} : { clientSecret }),
        ...flowOptions,
      }),
    };
  },
});
