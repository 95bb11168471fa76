import { AuthConfigError } from '../errors.js';
import { jsonCredentials } from '../flows/json-credentials.js';
import { definePreset, directoryUrl, type PresetCommonOptions } from './common.js';

/** Options of {@link presets.alertsite}. */
export interface AlertSitePresetOptions extends PresetCommonOptions {
  /** AlertSite login (e-mail). */
  username: string;
  /** AlertSite password. */
  password: string;
  /**
   * Management API base (not the server root, which is refused). Default
   * `https://api.alertsite.com/api/v3/`.
   */
  baseUrl?: string | URL;
  /** Token endpoint. Default `{baseUrl}access-tokens`. */
  tokenUrl?: string | URL;
  /** Assumed token lifetime in seconds. Default `3600` (documented: 1 hour). */
  lifetimeSeconds?: number;
}

/** AlertSite's documented Management API base. */
export const ALERTSITE_BASE_URL = 'https://api.alertsite.com/api/v3/';

/**
 * AlertSite Management API: {@link flows.jsonCredentials} against `{baseUrl}access-tokens`, tokens
 * assumed valid for one hour, API calls relative to `baseUrl`.
 *
 * Defaults: `baseUrl: 'https://api.alertsite.com/api/v3/'`, `tokenUrl: baseUrl + 'access-tokens'`,
 * `lifetimeSeconds: 3600`. Other client options (`timeoutMs`, `store`...) pass through.
 *
 * @example
 * const clients = createAuthClients({
 *   alertsite: presets.alertsite({ username: 'monitor@example.com', password }),
 * });
 * const res = await clients.alertsite.fetch('devices');
 */
export const alertsite = /* @__PURE__ */ definePreset<AlertSitePresetOptions>({
  keys: {
    username: true,
    password: true,
    baseUrl: true,
    tokenUrl: true,
    lifetimeSeconds: true,
  },
  build({ username, password, baseUrl, tokenUrl, lifetimeSeconds }, { insecure, flowOptions }) {
    const base = directoryUrl('baseUrl', baseUrl ?? ALERTSITE_BASE_URL, insecure);
    if (base.pathname === '/') {
      throw new AuthConfigError(
        'baseUrl',
        `expected the Management API base (e.g. "${ALERTSITE_BASE_URL}"), got the server root "${base.href}"`,
      );
    }
    return {
      baseUrl: base.href,
      flow: jsonCredentials({
        tokenUrl: tokenUrl ?? new URL('access-tokens', base).href,
        username,
        password,
        ...(lifetimeSeconds === undefined ? {} : { lifetimeSeconds }),
        ...flowOptions,
      }),
    };
  },
});
