/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2) as a value: `auth: privateKeyJwt({
 * privateKey })`. Its own module, so that the JWT signing it needs is bundled only by apps that
 * import it (or the `flows` namespace, whose `privateKey` shorthand uses it).
 */
import {
  type ClientAuth,
  modifyAssertion,
  PrivateKeyJwt as openIdPrivateKeyJwt,
} from 'openid-client';
import { AuthConfigError, AuthError } from '../../errors.js';
import type { PrivateKeyInput } from '../../shared/signing-key.js';
import { type OptionKeys, rejectUnknownOptions } from '../../shared/validate-options.js';
import { type JwtKeyOptions, jwtKey } from '../jwt-signer.js';
import { PRIVATE_KEY_JWT_OPTION_KEYS } from './key-options.js';

/** Options of {@link PrivateKeyJwt} (`privateKeyJwt()`): the key, its header, the clock. */
export interface PrivateKeyJwtOptions extends JwtKeyOptions {
  /**
   * Clock dating the assertions (`iat`, `nbf`, `exp` 60 s later), epoch ms. Default: the system
   * clock. Presets pass the client's `now`.
   */
  now?: () => number;
}

/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2) made by `privateKeyJwt()`: pass it as
 * `auth` of an OAuth2 flow. It holds the JWT signing, which a client without it never bundles.
 */
export interface PrivateKeyJwt {
  /** The client authentication method it stands for. */
  readonly method: 'private_key_jwt';
  /** Adds the signed client assertion to a token request (openid-client's `ClientAuth`). */
  readonly clientAuth: ClientAuth;
  /** The private key as given, telling flows with other keys apart. Never printed. */
  readonly key: () => PrivateKeyInput;
}

/**
 * `private_key_jwt` client authentication for an OAuth2 flow: each token request carries a
 * short-lived client assertion (`iat`, `nbf`, `exp` 60 s later, audience the token endpoint)
 * signed with `privateKey`; no shared secret leaves the client. Pass it as `auth`. The key is
 * imported on the first token request; a key that cannot sign fails it with `CLIENT_KEY_INVALID`.
 *
 * Defaults: algorithm by the key's type (`RS256` for RSA and PEM, `ES256` for P-256, `EdDSA` for
 * Ed25519), `kid` the JWK's, no certificate header, the system clock.
 *
 * @example
 * import { clientCredentials, privateKeyJwt } from '@auth/core';
 * const flow = clientCredentials({
 *   tokenUrl, clientId: 'svc', auth: privateKeyJwt({ privateKey: pem, keyId: 'k1' }),
 * });
 */
export function privateKeyJwt(options: PrivateKeyJwtOptions): PrivateKeyJwt {
  rejectUnknownOptions(
    options,
    PRIVATE_KEY_JWT_OPTION_KEYS satisfies OptionKeys<PrivateKeyJwtOptions>,
  );
  const signer = jwtKey(options);
  const kid = signer.keyId;
  const privateKey = options.privateKey;
  const now = options.now;
  if (now !== undefined && typeof now !== 'function') {
    throw new AuthConfigError('now', 'must be a function');
  }
  return Object.freeze({
    method: 'private_key_jwt',
    key: () => privateKey,
    toJSON: () => ({ auth: 'private_key_jwt' }),
    async clientAuth(...args: Parameters<PrivateKeyJwt['clientAuth']>) {
      const key = await signer.key();
      const extra = await signer.extraHeader();
      const modify = {
        [modifyAssertion]: (header: object, payload: Record<string, unknown>) => {
          Object.assign(header, extra);
          if (now === undefined) return;
          const seconds = Math.floor(now() / 1000);
          Object.assign(payload, { iat: seconds, nbf: seconds, exp: seconds + 60 });
        },
      };
      try {
        await openIdPrivateKeyJwt(kid === undefined ? key : { key, kid }, modify)(...args);
      } catch (cause) {
        throw new AuthError(
          'CLIENT_KEY_INVALID',
          `Option "privateKey" cannot sign the client assertion (${cause instanceof Error ? cause.name : 'unknown error'})`,
        );
      }
    },
  });
}
