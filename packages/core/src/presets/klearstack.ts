import { formCredentials } from '../flows/form-credentials.js';
import { requireString } from '../shared/validate-options.js';
import {
  definePreset,
  directoryUrl,
  type PresetCommonOptions,
  requireServerRoot,
} from './common.js';

/** Options of {@link presets.klearstack}. */
export interface KlearStackPresetOptions extends PresetCommonOptions {
  /**
   * Root of the KlearStack server (the doc's `URL`), e.g. `https://acme.klearstack.com/`. The API
   * base (ending in `api/`) is refused: pass that as `apiBaseUrl`.
   */
  baseUrl: string | URL;
  /** KlearStack user name. */
  username: string;
  /** KlearStack password. */
  password: string;
  /** Company the user logs in for (form field `company_name`); required by the server. */
  companyName: string;
  /** API base. Default `{baseUrl}api/`. */
  apiBaseUrl?: string | URL;
  /** Login endpoint. Default `{baseUrl}access/klearstack/get_access_token`. */
  tokenUrl?: string | URL;
  /** Refresh endpoint. Default `{baseUrl}access/klearstack/refresh_token`. */
  refreshUrl?: string | URL;
}

/**
 * KlearStack: {@link flows.formCredentials} with `company_name`, JWT expiry, refresh tokens.
 *
 * URL rule: `baseUrl` is the server root the doc calls `URL`; it is treated as a directory (a
 * missing trailing `/` is added) and every default is resolved *below* it, so a server mounted
 * under a path prefix works too: login `access/klearstack/get_access_token`, refresh
 * `access/klearstack/refresh_token`, API `api/`.
 *
 * Defaults: see the options. Other client options pass through.
 *
 * @example
 * const clients = createAuthClients({
 *   klearstack: presets.klearstack({
 *     baseUrl: 'https://acme.klearstack.com/',
 *     username: 'analyst',
 *     password,
 *     companyName: 'Acme Corp',
 *   }),
 * });
 * const res = await clients.klearstack.fetch('documents');
 */
export const klearstack = /* @__PURE__ */ definePreset<KlearStackPresetOptions>({
  keys: {
    baseUrl: true,
    username: true,
    password: true,
    companyName: true,
    apiBaseUrl: true,
    tokenUrl: true,
    refreshUrl: true,
  },
  build(
    { baseUrl, username, password, companyName, apiBaseUrl, tokenUrl, refreshUrl },
    { insecure, flowOptions },
  ) {
    const root = directoryUrl('baseUrl', baseUrl, insecure);
    requireServerRoot(root, /\/api\/$/, 'https://acme.klearstack.com/');
    const company = requireString('companyName', companyName);
    const api = directoryUrl('apiBaseUrl', apiBaseUrl ?? new URL('api/', root), insecure);
    return {
      baseUrl: api.href,
      flow: formCredentials({
        tokenUrl: tokenUrl ?? new URL('access/klearstack/get_access_token', root).href,
        username,
        password,
        fields: { company_name: company },
        refresh: { url: refreshUrl ?? new URL('access/klearstack/refresh_token', root).href },
        ...flowOptions,
      }),
    };
  },
});
