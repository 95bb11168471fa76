/**
 * What every preset shares: the client options passed through unchanged, and the URL rule.
 *
 * @internal
 */
import { type AuthClientOptions, CLIENT_OPTION_KEYS } from '../client-options.js';
import { AuthConfigError } from '../errors.js';
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

/** The keys every preset accepts besides its own: the client options it passes through. */
export const PRESET_COMMON_KEYS: Readonly<Record<string, true>> = (() => {
  const { baseUrl: _baseUrl, flow: _flow, ...passthrough } = CLIENT_OPTION_KEYS;
  return passthrough;
})();

const INVALID_PRESET = Symbol('invalid preset options');

/**
 * Runs a preset's checks. A preset is called before `createAuthClients()` knows the client's name,
 * so a mistake is kept in the returned options and thrown by `createAuthClient(s)` naming the
 * client (`clients.klearstack.baseUrl`); reading `baseUrl` or `flow` throws it unnamed.
 */
export function presetOptions(build: () => AuthClientOptions): AuthClientOptions {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof AuthConfigError)) throw error;
    const fail = (): never => {
      throw error;
    };
    return Object.defineProperties({} as AuthClientOptions, {
      [INVALID_PRESET]: { value: error, enumerable: true },
      baseUrl: { get: fail },
      flow: { get: fail },
    });
  }
}

/** The mistake {@link presetOptions} kept, addressed to the client at `path`, if any. */
export function presetError(options: object, path: string): AuthConfigError | undefined {
  const error = (options as { [INVALID_PRESET]?: AuthConfigError })[INVALID_PRESET];
  if (error === undefined) return undefined;
  const problem = error.message.slice(`Invalid option "${error.option}": `.length);
  return new AuthConfigError(`${path}.${error.option}`, problem);
}

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
