/**
 * Client authentication at the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2, RFC 8705 §2): the six
 * methods mapped onto openid-client's `ClientAuth` functions. Keys are imported on
 * the first token request; assertions are audienced to the token endpoint.
 */
import {
  type ClientAuth,
  ClientSecretBasic,
  ClientSecretJwt,
  ClientSecretPost,
  modifyAssertion,
  None,
  PrivateKeyJwt,
  TlsClientAuth,
} from 'openid-client';
import { AuthConfigError, AuthError } from '../../errors.js';
import {
  optionalAlgorithm,
  type PrivateKeyInput,
  requirePrivateKey,
} from '../../shared/signing-key.js';
import { type OptionKeys, optionalString, requireOneOf } from '../../shared/validate-options.js';
import { type CertificateHeader, jwtKey } from '../jwt-signer.js';

/**
 * How the client authenticates at the token endpoint.
 *
 * - `client_secret_post` (default): `client_id` and `client_secret` as form fields. Many servers
 *   (the OpsRamp quickstart included) document exactly these raw fields, and it avoids the
 *   encoding pitfall of Basic below.
 * - `client_secret_basic`: `Authorization: Basic base64(urlencode(id):urlencode(secret))`, as
 *   RFC 6749 §2.3.1 requires; servers that decode the header without form-decoding reject ids or
 *   secrets containing reserved characters.
 * - `client_secret_jwt`: a short-lived JWT assertion signed with the client secret (HS256).
 * - `private_key_jwt`: a short-lived JWT assertion signed with `privateKey` (RFC 7523); no shared
 *   secret leaves the client.
 * - `tls_client_auth` / `self_signed_tls_client_auth`: mutual TLS (RFC 8705): only `client_id` is
 *   sent; the certificate of `tls` (from `@auth/core/node`) authenticates the client.
 */
export type ClientAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'tls_client_auth'
  | 'self_signed_tls_client_auth';

/**
 * A mutual TLS transport: a `fetch` that presents the client certificate. Made by `mutualTls()`
 * of `@auth/core/node` (Node only).
 */
export interface MutualTls {
  /** `fetch` over connections that present the client certificate. */
  readonly fetch: typeof fetch;
}

/** Client authentication options shared by the OAuth2 flows. */
export interface ClientAuthOptions {
  /**
   * How the client authenticates. Default `client_secret_post`, or `private_key_jwt` when
   * `privateKey` is given. See {@link ClientAuthMethod}.
   */
  auth?: ClientAuthMethod;
  /** Private key for `private_key_jwt`: a private JWK, a PKCS#8 PEM string or a `CryptoKey`. Never printed. */
  privateKey?: PrivateKeyInput;
  /** `kid` header of the client assertion. Default: the JWK's `kid`, else none. */
  keyId?: string;
  /**
   * JWS algorithm of the client assertion. Default: the JWK's `alg`, else by key type (`RS256`
   * for RSA and PEM, `ES256` for P-256, `EdDSA` for Ed25519).
   */
  algorithm?: string;
  /**
   * X.509 certificate of `privateKey` (PEM, leaf first), for servers that identify the key by its
   * certificate: the client assertion's header then carries `certificateHeaders` (Microsoft Entra
   * ID wants `x5t#S256`). Not a secret. Only with `private_key_jwt`. Default: none.
   */
  certificate?: string;
  /** Header parameters naming `certificate`: `x5t#S256`, `x5t`, `x5c`. Default `['x5t#S256']`. */
  certificateHeaders?: readonly CertificateHeader[];
  /**
   * Clock dating `private_key_jwt` assertions (`iat`, `nbf`, `exp` 60 s later), epoch ms.
   * Default: the system clock. Presets pass the client's `now`.
   */
  now?: () => number;
  /**
   * Mutual TLS for token requests (`mutualTls({ cert, key, ca })` from `@auth/core/node`). Needed
   * by `tls_client_auth` / `self_signed_tls_client_auth` unless the client's `fetch` presents the
   * certificate already. Default: none (the client's `fetch`).
   */
  tls?: MutualTls;
}

/** The keys of {@link ClientAuthOptions}, for the flows' unknown-option check. */
export const CLIENT_AUTH_OPTION_KEYS = {
  auth: true,
  privateKey: true,
  keyId: true,
  algorithm: true,
  certificate: true,
  certificateHeaders: true,
  now: true,
  tls: true,
} satisfies OptionKeys<ClientAuthOptions>;

/** The resolved client authentication of a flow. */
export interface ClientAuthentication {
  readonly method: ClientAuthMethod;
  readonly clientAuth: ClientAuth;
  /** The `fetch` for token requests when `tls` is given. */
  readonly tlsFetch: typeof fetch | undefined;
}

const METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
];

/** A client authentication that sends nothing (no `client_id` either). */
const sendNothing: ClientAuth = () => undefined;

/** Methods whose failure at the server means the key or certificate, not a secret, was refused. */
export const KEY_METHODS: ReadonlySet<ClientAuthMethod> = new Set([
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
]);

/**
 * Validates the client authentication options and builds the openid-client `ClientAuth`.
 * Without a `clientId` (public password-grant clients) nothing is sent; without a secret and
 * `secretRequired: false`, the `client_secret_*` methods send only `client_id`.
 */
export function clientAuthentication(
  options: ClientAuthOptions,
  {
    clientId,
    clientSecret,
    secretRequired = true,
  }: { clientId: string | undefined; clientSecret: string | undefined; secretRequired?: boolean },
): ClientAuthentication {
  const privateKey =
    options.privateKey === undefined
      ? undefined
      : requirePrivateKey('privateKey', options.privateKey);
  const method = requireOneOf<ClientAuthMethod>(
    'auth',
    options.auth,
    METHODS,
    privateKey === undefined ? 'client_secret_post' : 'private_key_jwt',
  );
  const keyId = optionalString('keyId', options.keyId);
  const algorithm = optionalAlgorithm('algorithm', options.algorithm);
  const tls = options.tls;
  if (tls !== undefined && typeof tls?.fetch !== 'function') {
    throw new AuthConfigError('tls', 'must come from mutualTls() of @auth/core/node');
  }
  if ((privateKey !== undefined) !== (method === 'private_key_jwt')) {
    throw new AuthConfigError(
      'privateKey',
      privateKey === undefined
        ? 'is required with auth: "private_key_jwt"'
        : 'is only used with auth: "private_key_jwt"',
    );
  }
  if (
    (options.certificate !== undefined ||
      options.certificateHeaders !== undefined ||
      options.now !== undefined) &&
    method !== 'private_key_jwt'
  ) {
    const option = options.now === undefined ? 'certificate' : 'now';
    throw new AuthConfigError(option, 'is only used with auth: "private_key_jwt"');
  }
  const needsSecret = method.startsWith('client_secret_');
  if (
    needsSecret &&
    clientSecret === undefined &&
    clientId !== undefined &&
    (secretRequired || method === 'client_secret_jwt')
  ) {
    throw new AuthConfigError('clientSecret', `is required with auth: "${method}"`);
  }
  if (!needsSecret && clientSecret !== undefined) {
    throw new AuthConfigError('clientSecret', `is not used with auth: "${method}"`);
  }
  const result = (clientAuth: ClientAuth): ClientAuthentication =>
    Object.freeze({ method, clientAuth, tlsFetch: tls?.fetch });
  if (clientId === undefined) return result(sendNothing);
  switch (method) {
    case 'client_secret_basic':
    case 'client_secret_post':
      if (clientSecret === undefined) return result(None());
      return result(
        method === 'client_secret_basic'
          ? ClientSecretBasic(clientSecret)
          : ClientSecretPost(clientSecret),
      );
    case 'client_secret_jwt':
      if (algorithm !== undefined) {
        throw new AuthConfigError('algorithm', 'client_secret_jwt signs with HS256 only');
      }
      return result(audienceIsTokenEndpoint(ClientSecretJwt(clientSecret as string)));
    case 'private_key_jwt': {
      const signer = jwtKey({
        privateKey: privateKey as PrivateKeyInput,
        ...(algorithm === undefined ? {} : { algorithm }),
        ...(keyId === undefined ? {} : { keyId }),
        ...(options.certificate === undefined ? {} : { certificate: options.certificate }),
        ...(options.certificateHeaders === undefined
          ? {}
          : { certificateHeaders: options.certificateHeaders }),
      });
      const kid = signer.keyId;
      const now = options.now;
      if (now !== undefined && typeof now !== 'function') {
        throw new AuthConfigError('now', 'must be a function');
      }
      return result(
        audienceIsTokenEndpoint(async (as, client, body, headers) => {
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
            await PrivateKeyJwt(kid === undefined ? key : { key, kid }, modify)(
              as,
              client,
              body,
              headers,
            );
          } catch (cause) {
            throw new AuthError(
              'CLIENT_KEY_INVALID',
              `Option "privateKey" cannot sign the client assertion (${cause instanceof Error ? cause.name : 'unknown error'})`,
            );
          }
        }),
      );
    }
    default:
      return result(TlsClientAuth());
  }
}

/**
 * Assertions name the token endpoint as audience (RFC 7523 §3 allows it, and every server accepts
 * it), since a flow configured with `tokenUrl` knows no issuer.
 */
function audienceIsTokenEndpoint(auth: ClientAuth): ClientAuth {
  return (as, client, body, headers) =>
    auth({ ...as, issuer: as.token_endpoint ?? as.issuer }, client, body, headers);
}
