/**
 * What every preset shares: the client options passed through unchanged, and the URL rule.
 *
 * @internal
 */
import type { AuthClientOptions } from '../client-options.js';
import { requireEndpointUrl } from '../flows/validate-options.js';

/**
 * Client options every preset accepts and passes through unchanged (`timeoutMs`, `store`,
 * `fetch`, `refresh`, `allowInsecureHttp`...). `allowInsecureHttp` also applies to the token
 * endpoint.
 */
export interface PresetCommonOptions extends Omit<AuthClientOptions, 'baseUrl' | 'flow'> {}

/**
 * A base URL as a directory: absolute, `https:` unless loopback or opted in, and ending in `/`
 * so that relative paths resolve *below* it (`new URL('access-tokens', base)`).
 */
export function directoryUrl(option: string, value: unknown, allowInsecureHttp?: boolean): URL {
  const url = requireEndpointUrl(option, value, allowInsecureHttp);
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  url.search = '';
  url.hash = '';
  return url;
}
