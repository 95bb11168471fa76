import { clientCredentials } from '../flows/client-credentials.js';
import type { ClientAuthMethod } from '../flows/oauth2/client-auth.js';
import { requireString } from '../shared/validate-options.js';
import {
  definePreset,
  directoryUrl,
  type PresetCommonOptions,
  requireServerRoot,
} from './common.js';

/** Options of {@link presets.opsramp}. */
export interface OpsRampPresetOptions extends PresetCommonOptions {
  /**
   * Your OpsRamp API root, e.g. `https://acme.api.opsramp.com/`. A tenant API base
   * (`.../api/v2/...`) is refused: the preset builds it from `tenantId`.
   */
  baseUrl: string | URL;
  /** Tenant id (e.g. `client_1234`): a path segment of every API call. */
  tenantId: string;
  /** The integration's Key. */
  clientId: string;
  /** The integration's Secret. */
  clientSecret: string;
  /** Requested scope. Default: none sent. */
  scope?: string | readonly string[];
  /** Client authentication. Default `client_secret_post`, as the OpsRamp quickstart sends. */
  auth?: Extract<ClientAuthMethod, 'client_secret_basic' | 'client_secret_post'>;
  /** Token endpoint. Default `{baseUrl}auth/oauth/token`. */
  tokenUrl?: string | URL;
}

/**
 * OpsRamp: {@link clientCredentials} against `{baseUrl}auth/oauth/token`; the client's base URL
 * is the tenant's API root `{baseUrl}api/v2/tenants/{tenantId}/`, so calls are relative to it.
 *
 * Defaults: `tokenUrl: baseUrl + 'auth/oauth/token'`, `auth: 'client_secret_post'`.
 * Other client options pass through.
 *
 * @example
 * const clients = createAuthClients({
 *   opsramp: presets.opsramp({
 *     baseUrl: 'https://acme.api.opsramp.com/',
 *     tenantId: 'client_1234',
 *     clientId,
 *     clientSecret,
 *   }),
 * });
 * const res = await clients.opsramp.fetch('alerts/search?queryString=state:open');
 */
export const opsramp = /* @__PURE__ */ definePreset<OpsRampPresetOptions>({
  keys: {
    baseUrl: true,
    tenantId: true,
    clientId: true,
    clientSecret: true,
    scope: true,
    auth: true,
    tokenUrl: true,
  },
  build(
    { baseUrl, tenantId, clientId, clientSecret, scope, auth, tokenUrl },
    { insecure, flowOptions },
  ) {
    const root = directoryUrl('baseUrl', baseUrl, insecure);
    requireServerRoot(root, /\/api\/v2\//, 'https://acme.api.opsramp.com/');
    const tenant = requireString('tenantId', tenantId);
    return {
      baseUrl: new URL(`api/v2/tenants/${encodeURIComponent(tenant)}/`, root).href,
      flow: clientCredentials({
        tokenUrl: tokenUrl ?? new URL('auth/oauth/token', root).href,
        clientId,
        clientSecret,
        ...(scope === undefined ? {} : { scope }),
        ...(auth === undefined ? {} : { auth }),
        ...flowOptions,
      }),
    };
  },
});
