/**
 * What every preset shares: the client options passed through unchanged, and the URL rule.
 */
import { type AuthClientOptions, CLIENT_OPTION_KEYS } from '../client/client-options.js';
import { presetOptions } from '../client/preset-options.js';
import type { FlowSource } from '../engine/token-flow.js';
import { AuthConfigError } from '../errors.js';
import {
  type OptionKeys,
  rejectUnknownOptions,
  requireEndpointUrl,
} from '../shared/validate-options.js';

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
export const PRESET_COMMON_KEYS: Readonly<Record<string, true>> = /* @__PURE__ */ (() => {
  const { baseUrl: _baseUrl, flow: _flow, ...passthrough } = CLIENT_OPTION_KEYS;
  return passthrough;
})();

/** A preset's own options: its options without the client options it passes through. */
export type OwnOptions<Options> = Omit<Options, keyof PresetCommonOptions>;

/** What a preset's `build` gets besides its own options. */
export interface PresetContext {
  /** The client options passed through (`now`, `allowInsecureHttp`...). */
  readonly common: PresetCommonOptions;
  /** `common.allowInsecureHttp`, for the preset's own URL checks. */
  readonly insecure: boolean | undefined;
  /** `{ allowInsecureHttp }` when it is given, to spread into the flow's options. */
  readonly flowOptions: { readonly allowInsecureHttp?: boolean };
}

/** The part of a preset that differs: its own option keys, and the API base and flow it builds. */
export interface PresetSpec<Options extends PresetCommonOptions> {
  /** Every own option key, for the unknown-option check. */
  readonly keys: OptionKeys<OwnOptions<Options>>;
  /** The API base and the flow, from the preset's own options (checked here, by name). */
  build(own: OwnOptions<Options>, context: PresetContext): { baseUrl: string; flow: FlowSource };
}

/**
 * A preset from the part that differs. The preset rejects unknown options, passes the client
 * options through unchanged, and keeps a mistake for `createAuthClient(s)` to throw naming the
 * client ({@link presetOptions}).
 */
export function definePreset<Options extends PresetCommonOptions>(
  spec: PresetSpec<Options>,
): (options: Options) => AuthClientOptions {
  const own: Readonly<Record<string, true>> = spec.keys;
  const keys = { ...PRESET_COMMON_KEYS, ...own };
  return (options) =>
    presetOptions(() => {
      rejectUnknownOptions(options, keys);
      const mine: Record<string, unknown> = {};
      const common: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(options)) {
        (Object.hasOwn(own, name) ? mine : common)[name] = value;
      }
      const insecure = (common as PresetCommonOptions).allowInsecureHttp;
      const flowOptions = insecure === undefined ? {} : { allowInsecureHttp: insecure };
      const { baseUrl, flow } = spec.build(mine as OwnOptions<Options>, {
        common,
        insecure,
        flowOptions,
      });
      return { ...common, baseUrl, flow };
    });
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
