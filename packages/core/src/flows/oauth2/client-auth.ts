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
  None,
  TlsClientAuth,
} from 'openid-client';
import { AuthConfigError } from '../../errors.js';
import type { PrivateKeyInput } from '../../shared/signing-key.js';
import {
  joinOptionKeys,
  type OptionKeys,
  optionalString,
  requireOneOf,
} from '../../shared/validate-options.js';
import type { CertificateHeader } from '../jwt-signer.js';
import { type KeyOption, PRIVATE_KEY_JWT_OPTION_KEYS } from './key-options.js';
import { type KeyShorthands, keyShorthandsOf } from './key-shorthands.js';
import type { PrivateKeyJwt } from './private-key-jwt.js';

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
 *
 * A flow imported by name takes `private_key_jwt` as `auth: privateKeyJwt({ privateKey })`
 * ({@link PrivateKeyJwt}), so that JWT signing is bundled only when an app uses it.
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
   * How the client authenticates: a {@link ClientAuthMethod}, or `privateKeyJwt({ privateKey })`
   * (what a flow imported by name takes for `private_key_jwt`). Default `client_secret_post`, or
   * `private_key_jwt` when `privateKey` is given.
   */
  auth?: ClientAuthMethod | PrivateKeyJwt;
  /**
   * Private key for `private_key_jwt`: a private JWK, a PKCS#8 PEM string or a `CryptoKey`. Never
   * printed. A shorthand of the `flows` namespace (`flows.clientCredentials`); a flow imported by
   * name takes `auth: privateKeyJwt({ privateKey })` instead.
   */
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
export const CLIENT_AUTH_OPTION_KEYS = /* @__PURE__ */ joinOptionKeys(PRIVATE_KEY_JWT_OPTION_KEYS, {
  auth: true,
  tls: true,
}) satisfies OptionKeys<ClientAuthOptions>;

/** The resolved client authentication of a flow. */
export interface ClientAuthentication {
  readonly method: ClientAuthMethod;
  readonly clientAuth: ClientAuth;
  /** The `fetch` for token requests when `tls` is given. */
  readonly tlsFetch: typeof fetch | undefined;
  /** The private key of `private_key_jwt`, for the flow's credentials (never printed). */
  readonly key: PrivateKeyInput | undefined;
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
  if (typeof options.auth === 'object' && options.auth !== null) {
    return givenPrivateKeyJwt(options, options.auth, clientId, clientSecret);
  }
  const shorthands = keyShorthandsOf(options);
  if (shorthands === undefined) rejectKeyShorthands(options);
  const privateKey =
    options.privateKey === undefined
      ? undefined
      : shorthands?.requirePrivateKey('privateKey', options.privateKey);
  const method = requireOneOf<ClientAuthMethod>(
    'auth',
    options.auth,
    METHODS,
    privateKey === undefined ? 'client_secret_post' : 'private_key_jwt',
  );
  const keyId = optionalString('keyId', options.keyId);
  const algorithm = shorthands?.optionalAlgorithm('algorithm', options.algorithm);
  const tls = requireTls(options.tls);
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
  const result = (clientAuth: ClientAuth, key?: PrivateKeyInput): ClientAuthentication =>
    Object.freeze({ method, clientAuth, tlsFetch: tls?.fetch, key });
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
      const signer = (shorthands as KeyShorthands).privateKeyJwt({
        privateKey: privateKey as PrivateKeyInput,
        ...(algorithm === undefined ? {} : { algorithm }),
        ...(keyId === undefined ? {} : { keyId }),
        ...(options.certificate === undefined ? {} : { certificate: options.certificate }),
        ...(options.certificateHeaders === undefined
          ? {}
          : { certificateHeaders: options.certificateHeaders }),
        ...(options.now === undefined ? {} : { now: options.now }),
      });
      return result(audienceIsTokenEndpoint(signer.clientAuth), privateKey);
    }
    default:
      return result(TlsClientAuth());
  }
}

/** `tls` as `mutualTls()` makes it, or `undefined`. */
function requireTls(tls: MutualTls | undefined): MutualTls | undefined {
  if (tls !== undefined && typeof tls?.fetch !== 'function') {
    throw new AuthConfigError('tls', 'must come from mutualTls() of @auth/core/node');
  }
  return tls;
}

/** The first key option of `privateKeyJwt()` given to the flow itself, if any. */
function keyOptionGiven(options: ClientAuthOptions): KeyOption | undefined {
  for (const name in PRIVATE_KEY_JWT_OPTION_KEYS) {
    if (options[name as KeyOption] !== undefined) return name as KeyOption;
  }
  return undefined;
}

/** A flow imported by name: the key options go to `privateKeyJwt()`, the flow takes none. */
function rejectKeyShorthands(options: ClientAuthOptions): void {
  const given = keyOptionGiven(options);
  if (given !== undefined) {
    throw new AuthConfigError(
      given,
      'goes to auth: privateKeyJwt({ privateKey, ... }) with a flow imported by name (a shorthand of the flows namespace)',
    );
  }
}

/** `auth: privateKeyJwt(...)`: the key options belong to the helper, and no secret is sent. */
function givenPrivateKeyJwt(
  options: ClientAuthOptions,
  auth: PrivateKeyJwt,
  clientId: string | undefined,
  clientSecret: string | undefined,
): ClientAuthentication {
  if (auth.method !== 'private_key_jwt' || typeof auth.clientAuth !== 'function') {
    throw new AuthConfigError('auth', `must be one of ${METHODS.join(', ')} or privateKeyJwt()`);
  }
  const misplaced = keyOptionGiven(options);
  if (misplaced !== undefined) {
    throw new AuthConfigError(misplaced, 'is given to privateKeyJwt(), not to the flow');
  }
  if (clientSecret !== undefined) {
    throw new AuthConfigError('clientSecret', 'is not used with auth: "private_key_jwt"');
  }
  const tls = requireTls(options.tls);
  return Object.freeze({
    method: 'private_key_jwt',
    clientAuth: clientId === undefined ? sendNothing : audienceIsTokenEndpoint(auth.clientAuth),
    tlsFetch: tls?.fetch,
    key: auth.key(),
  });
}

/**
 * Assertions name the token endpoint as audience (RFC 7523 §3 allows it, and every server accepts
 * it), since a flow configured with `tokenUrl` knows no issuer.
 */
function audienceIsTokenEndpoint(auth: ClientAuth): ClientAuth {
  return (as, client, body, headers) =>
    auth({ ...as, issuer: as.token_endpoint ?? as.issuer }, client, body, headers);
}
