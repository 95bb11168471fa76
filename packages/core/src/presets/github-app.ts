import { AuthConfigError } from '../errors.js';
import { jwtSigner } from '../flows/jwt-signer.js';
import { tokenRequest } from '../flows/token-request.js';
import type { PrivateKeyInput } from '../shared/signing-key.js';
import { definePreset, directoryUrl, type PresetCommonOptions } from './common.js';

/** Options of {@link presets.githubApp}. */
export interface GitHubAppPresetOptions extends PresetCommonOptions {
  /** The app's App ID or Client ID (its settings page): the app JWT's `iss`. */
  appId: string | number;
  /**
   * The app's private key (settings page → "Generate a private key"): the downloaded PEM (PKCS#1
   * `BEGIN RSA PRIVATE KEY` is accepted as is), a PKCS#8 PEM, a JWK or a `CryptoKey`. Never printed.
   */
  privateKey: PrivateKeyInput;
  /** The installation to act as (`/settings/installations/{id}`, or the `installation` webhook). */
  installationId: string | number;
  /** REST API base. Default `https://api.github.com/` (GitHub Enterprise Server: `https://HOST/api/v3/`). */
  baseUrl?: string | URL;
}

/** GitHub's REST API base. */
export const GITHUB_BASE_URL = 'https://api.github.com/';

/**
 * GitHub App installation tokens, which are not OAuth: an app JWT (RS256, `iss` = app id, `iat`
 * 60 s in the past, `exp` 9 minutes ahead, under GitHub's 10-minute limit) buys an installation
 * token at `POST {baseUrl}app/installations/{installationId}/access_tokens`, answered by **201**
 * `{ token: "ghs_…", expires_at }` (an ISO time, one hour ahead). Built with {@link jwtSigner} and
 * {@link flows.tokenRequest}. GitHub's `{ message }` errors ("A JSON web token could not be
 * decoded", "Bad credentials"…) become `TOKEN_ENDPOINT_REJECTED` with `vendorMessage`.
 *
 * Docs: https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 * and https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app
 *
 * Defaults: `baseUrl: 'https://api.github.com/'`. Other client options pass through; the
 * client's `now` also dates the app JWTs.
 *
 * @example
 * const clients = createAuthClients({
 *   github: presets.githubApp({ appId: 123456, privateKey: pem, installationId: 7654321 }),
 * });
 * const repos = await clients.github.fetch('installation/repositories');
 */
export const githubApp = /* @__PURE__ */ definePreset<GitHubAppPresetOptions>({
  keys: {
    appId: true,
    privateKey: true,
    installationId: true,
    baseUrl: true,
  },
  build({ appId, privateKey, installationId, baseUrl }, { common, insecure, flowOptions }) {
    const app = idOption('appId', appId);
    const installation = idOption('installationId', installationId);
    const base = directoryUrl('baseUrl', baseUrl ?? GITHUB_BASE_URL, insecure);
    const sign = jwtSigner({
      privateKey: typeof privateKey === 'string' ? pkcs8(privateKey) : privateKey,
      algorithm: 'RS256',
      lifetimeSeconds: 540,
      backdateSeconds: 60,
      ...(common.now === undefined ? {} : { now: common.now }),
    });
    // A numeric App ID goes out as a number, as GitHub's own libraries send it.
    const iss = /^\d+$/.test(app) ? Number(app) : app;
    return {
      baseUrl: base.href,
      flow: tokenRequest({
        id: 'githubApp',
        tokenUrl: new URL(
          `app/installations/${encodeURIComponent(installation)}/access_tokens`,
          base,
        ),
        headers: async () => ({
          authorization: `Bearer ${await sign({ iss })}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
        }),
        answer: { token: 'token', expiresAt: 'expires_at' },
        cacheKeyParts: [app, installation],
        ...flowOptions,
      }),
    };
  },
});

function idOption(option: string, value: unknown): string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^[A-Za-z0-9._-]+$/.test(text)) {
    throw new AuthConfigError(option, 'must be a number or an id string');
  }
  return text;
}

/**
 * GitHub hands out PKCS#1 keys (`BEGIN RSA PRIVATE KEY`); signing wants PKCS#8. Wraps the key in
 * a PKCS#8 `PrivateKeyInfo` (RFC 5208) for `rsaEncryption`; other PEMs pass unchanged.
 */
function pkcs8(pem: string): string {
  const match =
    /-----BEGIN RSA PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END RSA PRIVATE KEY-----/.exec(pem);
  if (match === null) return pem;
  let pkcs1: Uint8Array;
  try {
    pkcs1 = Uint8Array.from(atob((match[1] ?? '').replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    throw new AuthConfigError('privateKey', 'is not a valid PEM');
  }
  const algorithm = [
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
  ];
  const body = [0x02, 0x01, 0x00, ...algorithm, ...der(0x04, pkcs1)];
  const info = der(0x30, Uint8Array.from(body));
  const base64 = btoa(String.fromCharCode(...info)).replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${base64.trimEnd()}\n-----END PRIVATE KEY-----\n`;
}

/** A DER element: tag, definite length, content. */
function der(tag: number, content: Uint8Array): number[] {
  const n = content.length;
  const length =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return [tag, ...length, ...content];
}
