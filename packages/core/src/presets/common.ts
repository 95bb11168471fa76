/**
 * What every preset shares: the client options passed through unchanged, and the URL rule.
 *
 * @internal
 */
import { type AuthClientOptions, CLIENT_OPTION_KEYS } from '../client/client-options.js';
import { AuthConfigError } from '../errors.js';
import { requireEndpointUrl } from '../shared/validate-options.js';

export { presetOptions } from '../client/preset-options.js';

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

/** The keys every preset accepts besides its own: the client options it passes through. */
export const PRESET_COMMON_KEYS: Readonly<Record<string, true>> = (() => {
  const { baseUrl: _baseUrl, flow: _flow, ...passthrough } = CLIENT_OPTION_KEYS;
  return passthrough;
})();

/**
 * Refuses a `baseUrl` that already ends in the preset's API path (`api/`, `api/v2/`...): the
 * preset wants the server root the vendor's doc names, and would otherwise build wrong token URLs
 * that fail later as a misleading 401.
 */
export function requireServerRoot(root: URL, apiPath: RegExp, example: string): void {
  if (apiPath.test(root.pathname)) {
    throw new AuthConfigError(
      'baseUrl',
      `expected the server root (e.g. "${example}"), got the API base "${root.href}"; pass the API base as apiBaseUrl, or leave it out`,
    );
  }
}

/**
 * A vendor host given as a bare domain (`acme.eu.auth0.com`, as the vendor's settings page shows
 * it) or as a URL: its `https:` origin as a directory URL.
 */
export function vendorOrigin(option: string, value: unknown, allowInsecureHttp?: boolean): URL {
  const text =
    typeof value === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)
      ? `https://${value}`
      : value;
  const url = directoryUrl(option, text, allowInsecureHttp);
  return new URL(url.origin);
}
