import { AuthConfigError } from '../errors.js';
import { jwtBearer } from '../flows/jwt-bearer.js';
import { scopeOption } from '../flows/oauth2/oauth2-client.js';
import { optionalString, requireString } from '../shared/validate-options.js';
import { definePreset, directoryUrl, type PresetCommonOptions } from './common.js';

/** The fields of a service account key file the preset reads (others are ignored). */
export interface GoogleServiceAccountCredentials {
  /** `service_account` (other key file types are refused). */
  type?: string;
  /** The service account's e-mail: the assertion's `iss`. */
  client_email: string;
  /** PKCS#8 PEM private key. Never printed. */
  private_key: string;
  /** The key's id: the assertion's `kid`. */
  private_key_id?: string;
  /** Token endpoint and the assertion's `aud`. Default `https://oauth2.googleapis.com/token`. */
  token_uri?: string;
}

/** Options of {@link presets.googleServiceAccount}. */
export interface GoogleServiceAccountPresetOptions extends PresetCommonOptions {
  /** The parsed JSON key file (IAM → Service accounts → Keys → Add key → JSON). */
  credentials: GoogleServiceAccountCredentials;
  /** OAuth scopes, e.g. `https://www.googleapis.com/auth/devstorage.read_only`. At least one. */
  scopes: string | readonly string[];
  /** A user to impersonate (domain-wide delegation only): the assertion's `sub`. Default: none. */
  subject?: string;
  /** Base URL of the Google API you call, e.g. `https://storage.googleapis.com/storage/v1/`. */
  baseUrl: string | URL;
}

/** Google's token endpoint, when a key file names none. */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/**
 * Google service account: {@link flows.jwtBearer} at the key file's `token_uri` with an RS256
 * assertion signed by its `private_key` (`kid` = `private_key_id`, `iss` = `client_email`,
 * `scope` = the scopes, `aud` = `token_uri`, `sub` only for domain-wide delegation, valid one
 * hour). Tokens live one hour (`expires_in: 3599`). Two service accounts on one token URL have
 * separate cache entries (the `iss` is in the key). `invalid_grant` / `invalid_scope` become
 * `TOKEN_ENDPOINT_REJECTED` with Google's text.
 *
 * Docs: https://developers.google.com/identity/protocols/oauth2/service-account
 *
 * Defaults: `token_uri` `https://oauth2.googleapis.com/token` when the key file has none. Other
 * client options pass through; the client's `now` also dates the assertions.
 *
 * @example
 * const clients = createAuthClients({
 *   storage: presets.googleServiceAccount({
 *     credentials: JSON.parse(await readFile('key.json', 'utf8')),
 *     scopes: ['https://www.googleapis.com/auth/devstorage.read_only'],
 *     baseUrl: 'https://storage.googleapis.com/storage/v1/',
 *   }),
 * });
 * const buckets = await clients.storage.fetch('b?project=acme');
 */
export const googleServiceAccount = /* @__PURE__ */ definePreset<GoogleServiceAccountPresetOptions>(
  {
    keys: {
      credentials: true,
      scopes: true,
      subject: true,
      baseUrl: true,
    },
    build({ credentials, scopes, subject, baseUrl }, { common, insecure, flowOptions }) {
      if (typeof credentials !== 'object' || credentials === null) {
        throw new AuthConfigError('credentials', 'must be the parsed JSON key file');
      }
      if (credentials.type !== undefined && credentials.type !== 'service_account') {
        throw new AuthConfigError('credentials.type', 'must be "service_account"');
      }
      const scope = scopeOption(scopes);
      if (scope === undefined) throw new AuthConfigError('scopes', 'needs at least one scope');
      const tokenUri =
        optionalString('credentials.token_uri', credentials.token_uri) ?? GOOGLE_TOKEN_URI;
      const keyId = optionalString('credentials.private_key_id', credentials.private_key_id);
      return {
        baseUrl: directoryUrl('baseUrl', baseUrl, insecure).href,
        flow: jwtBearer({
          tokenUrl: tokenUri,
          assertion: {
            privateKey: requireString('credentials.private_key', credentials.private_key),
            ...(keyId === undefined ? {} : { keyId }),
            issuer: requireString('credentials.client_email', credentials.client_email),
            ...(subject === undefined ? {} : { subject }),
            audience: tokenUri,
            claims: { scope },
            lifetimeSeconds: 3600,
            ...(common.now === undefined ? {} : { now: common.now }),
          },
          ...flowOptions,
        }),
      };
    },
  },
);
