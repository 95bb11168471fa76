import { AuthConfigError } from '../errors.js';
import { flows } from '../flows/index.js';
import type { PrivateKeyInput } from '../shared/signing-key.js';
import { rejectUnknownOptions, requireString } from '../shared/validate-options.js';
import { definePreset, directoryUrl, type PresetCommonOptions } from './common.js';

/** A certificate credential of an Entra ID app registration. */
export interface EntraIdCertificate {
  /** The certificate's private key (PKCS#8 PEM, JWK or `CryptoKey`). Never printed. */
  privateKey: PrivateKeyInput;
  /** The certificate uploaded to the app registration (PEM); its SHA-256 thumbprint goes in `x5t#S256`. */
  certificate: string;
}

/** Options of {@link presets.entraId}. */
export interface EntraIdPresetOptions extends PresetCommonOptions {
  /** Directory (tenant) ID (the app registration's Overview page). */
  tenantId: string;
  /** Application (client) ID (Overview page). */
  clientId: string;
  /** A client secret's Value (Certificates & secrets). Give this or `certificate`. */
  clientSecret?: string;
  /** A certificate credential (Certificates & secrets). Give this or `clientSecret`. */
  certificate?: EntraIdCertificate;
  /** `{resource}/.default`, e.g. `https://graph.microsoft.com/.default`. */
  scope: string;
  /** Base URL of the API the scope names, e.g. `https://graph.microsoft.com/v1.0/`. */
  baseUrl: string | URL;
  /** Cloud authority. Default `https://login.microsoftonline.com/`. */
  authority?: string | URL;
}

/** The global Azure cloud's authority. */
export const ENTRA_AUTHORITY = 'https://login.microsoftonline.com/';

/**
 * Microsoft Entra ID (the Microsoft identity platform) client credentials:
 * {@link flows.clientCredentials} at `{authority}{tenantId}/oauth2/v2.0/token` with
 * `scope={resource}/.default`, the client authenticated by a secret (`client_secret_post`) or by a
 * certificate: a `private_key_jwt` assertion whose header carries `x5t#S256`, the SHA-256
 * thumbprint of the certificate, as Entra identifies the key by it. Tokens live about an hour
 * (`expires_in`). `AADSTS…` errors keep their text in `vendorMessage`; a refused certificate is
 * `CLIENT_AUTH_REJECTED`.
 *
 * Docs: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow and
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 *
 * Defaults: `authority: 'https://login.microsoftonline.com/'`. Other client options pass through.
 *
 * @example
 * const clients = createAuthClients({
 *   graph: presets.entraId({
 *     tenantId,
 *     clientId,
 *     certificate: { privateKey: keyPem, certificate: certPem },
 *     scope: 'https://graph.microsoft.com/.default',
 *     baseUrl: 'https://graph.microsoft.com/v1.0/',
 *   }),
 * });
 */
export const entraId = /* @__PURE__ */ definePreset<EntraIdPresetOptions>({
  keys: {
    tenantId: true,
    clientId: true,
    clientSecret: true,
    certificate: true,
    scope: true,
    baseUrl: true,
    authority: true,
  },
  build(
    { tenantId, clientId, clientSecret, certificate, scope, baseUrl, authority },
    { common, insecure, flowOptions },
  ) {
    if ((clientSecret === undefined) === (certificate === undefined)) {
      throw new AuthConfigError(
        'clientSecret',
        'give exactly one of "clientSecret" or "certificate"',
      );
    }
    if (certificate !== undefined) {
      rejectUnknownOptions(certificate, { privateKey: true, certificate: true }, 'certificate');
    }
    const root = directoryUrl('authority', authority ?? ENTRA_AUTHORITY, insecure);
    const tenant = encodeURIComponent(requireString('tenantId', tenantId));
    return {
      baseUrl: directoryUrl('baseUrl', baseUrl, insecure).href,
      flow: flows.clientCredentials({
        tokenUrl: new URL(`${tenant}/oauth2/v2.0/token`, root).href,
        clientId,
        scope: requireString('scope', scope),
        ...(certificate === undefined
          ? { clientSecret, auth: 'client_secret_post' as const }
          : {
              auth: 'private_key_jwt' as const,
              privateKey: certificate.privateKey,
              certificate: requireString('certificate.certificate', certificate.certificate),
              certificateHeaders: ['x5t#S256' as const],
              ...(common.now === undefined ? {} : { now: common.now }),
            }),
        ...flowOptions,
      }),
    };
  },
});
