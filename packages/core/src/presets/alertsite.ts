import type { AuthClientOptions } from '../client-options.js';
import { jsonCredentials } from '../flows/json-credentials.js';
import { directoryUrl, type PresetCommonOptions } from './common.js';

/** Options of {@link presets.alertsite}. */
export interface AlertSitePresetOptions extends PresetCommonOptions {
  /** AlertSite login (e-mail). */
  username: string;
  /** AlertSite password. */
  password: string;
  /** Management API base. Default `https://api.alertsite.com/api/v3/`. */
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
export function alertsite(options: AlertSitePresetOptions): AuthClientOptions {
  const { username, password, baseUrl, tokenUrl, lifetimeSeconds, ...common } = options;
  const insecure = common.allowInsecureHttp;
  const base = directoryUrl('baseUrl', baseUrl ?? ALERTSITE_BASE_URL, insecure);
  return {
    ...common,
    baseUrl: base.href,
    flow: jsonCredentials({
      tokenUrl: tokenUrl ?? new URL('access-tokens', base).href,
      username,
      password,
      ...(lifetimeSeconds === undefined ? {} : { lifetimeSeconds }),
      ...(insecure === undefined ? {} : { allowInsecureHttp: insecure }),
    }),
  };
}
