import type { DPoPOption } from '../engine/dpop.js';
import { AuthConfigError } from '../errors.js';
import { flows } from '../flows/index.js';
import type { PrivateKeyInput } from '../shared/signing-key.js';
import { definePreset, directoryUrl, type PresetCommonOptions } from './common.js';

/** Options of {@link presets.okta}. */
export interface OktaPresetOptions extends PresetCommonOptions {
  /**
   * The authorization server's issuer: your org (`https://acme.okta.com`, for Okta's own APIs) or
   * a custom server (`https://acme.okta.com/oauth2/default`).
   */
  issuer: string | URL;
  /** The service app's Client ID (its General tab). */
  clientId: string;
  /** The private key whose public key the app holds (Public key / Private key client authentication). */
  privateKey: PrivateKeyInput;
  /** The key's KID, as the app lists it. Default: the JWK's `kid`, else none. */
  keyId?: string;
  /** Scopes granted to the app, e.g. `['okta.users.read']`. Okta requires at least one. */
  scopes: string | readonly string[];
  /** DPoP-bound tokens, when the app has "Require DPoP" on (`true` or a key pair). Default `false`. */
  dpop?: DPoPOption;
  /** API base. Default `{issuer origin}/api/v1/` (Okta's management API). */
  baseUrl?: string | URL;
  /** Token endpoint. Default `{issuer}/v1/token`, or `{org}/oauth2/v1/token` for the org server. */
  tokenUrl?: string | URL;
}

/**
 * Okta service app: {@link clientCredentials} with `private_key_jwt` (a client assertion
 * with `iss` = `sub` = client id and `aud` = the token URL, signed per request; Okta refuses a
 * reused `jti`), the `scopes` Okta requires, optionally DPoP. Tokens live one hour
 * (`expires_in`). `invalid_client` becomes `CLIENT_AUTH_REJECTED`, `invalid_scope`
 * `TOKEN_ENDPOINT_REJECTED`.
 *
 * Docs: https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/
 *
 * Defaults: `tokenUrl: {issuer}/v1/token` (`{org}/oauth2/v1/token` for an org issuer),
 * `baseUrl: {issuer origin}/api/v1/`, `dpop: false`. Other client options pass through.
 *
 * @example
 * const clients = createAuthClients({
 *   okta: presets.okta({
 *     issuer: 'https://acme.okta.com',
 *     clientId: '0oa1bcd2efGHIJ3k4l5',
 *     privateKey: jwk,
 *     scopes: ['okta.users.read'],
 *   }),
 * });
 * const users = await clients.okta.fetch('users?limit=20');
 */
export const okta = /* @__PURE__ */ definePreset<OktaPresetOptions>({
  keys: {
    issuer: true,
    clientId: true,
    privateKey: true,
    keyId: true,
    scopes: true,
    dpop: true,
    baseUrl: true,
    tokenUrl: true,
  },
  build(
    { issuer, clientId, privateKey, keyId, scopes, dpop, baseUrl, tokenUrl },
    { common, insecure, flowOptions },
  ) {
    if (scopes === undefined || scopes.length === 0) {
      throw new AuthConfigError('scopes', 'is required (Okta grants no default scope here)');
    }
    const server = directoryUrl('issuer', issuer, insecure);
    const token = server.pathname === '/' ? 'oauth2/v1/token' : 'v1/token';
    return {
      baseUrl: directoryUrl('baseUrl', baseUrl ?? new URL('/api/v1/', server), insecure).href,
      flow: flows.clientCredentials({
        tokenUrl: tokenUrl ?? new URL(token, server).href,
        clientId,
        privateKey,
        ...(keyId === undefined ? {} : { keyId }),
        scope: scopes,
        ...(dpop === undefined ? {} : { dpop }),
        ...(common.now === undefined ? {} : { now: common.now }),
        ...flowOptions,
      }),
    };
  },
});
