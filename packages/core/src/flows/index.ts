/**
 * Token flows: how to obtain a token from one kind of endpoint. Pass one as `flow` of a client.
 * Each is exported by name (what a bundler can leave out when unused) and in the `flows`
 * namespace (every flow, with the key shorthands `dpop: true` and `privateKey`).
 *
 * @example
 * import { clientCredentials } from '@auth/core';
 * const flow = clientCredentials({ tokenUrl, clientId, clientSecret, scope: 'read' });
 */
import { dpopKey } from '../engine/dpop.js';
import type { TokenFlow } from '../engine/token-flow.js';
import { optionalAlgorithm, requirePrivateKey } from '../shared/signing-key.js';
import { type ClientCredentialsOptions, clientCredentials } from './client-credentials.js';
import { formCredentials } from './form-credentials.js';
import { jsonCredentials } from './json-credentials.js';
import { type JwtBearerOptions, jwtBearer } from './jwt-bearer.js';
import { type KeyShorthands, withKeyShorthands } from './oauth2/key-shorthands.js';
import { privateKeyJwt } from './oauth2/private-key-jwt.js';
import { type PasswordGrantOptions, passwordGrant } from './password-grant.js';
import { type TokenExchangeOptions, tokenExchange } from './token-exchange.js';
import { tokenRequest } from './token-request.js';

export type { PrivateKeyInput } from '../shared/signing-key.js';
export type { ClientCredentialsOptions } from './client-credentials.js';
export type { FormCredentialsOptions, FormRefreshOptions } from './form-credentials.js';
export type { JsonCredentialsOptions } from './json-credentials.js';
export type { JwtBearerAssertionOptions, JwtBearerOptions } from './jwt-bearer.js';
export {
  type CertificateHeader,
  type JwtKeyOptions,
  type JwtSigner,
  type JwtSignerOptions,
  jwtSigner,
} from './jwt-signer.js';
export type { ClientAuthMethod, ClientAuthOptions, MutualTls } from './oauth2/client-auth.js';
export type { NamedFlowOptions } from './oauth2/key-shorthands.js';
export type { PrivateKeyJwt, PrivateKeyJwtOptions } from './oauth2/private-key-jwt.js';
export type { PasswordGrantOptions } from './password-grant.js';
export type { TokenExchangeOptions } from './token-exchange.js';
export type { TokenAnswerFields, TokenRequestOptions } from './token-request.js';
export {
  clientCredentials,
  formCredentials,
  jsonCredentials,
  jwtBearer,
  passwordGrant,
  privateKeyJwt,
  tokenExchange,
  tokenRequest,
};

/** What the namespace's OAuth2 flows turn `dpop: true | pair` and `privateKey` into, and check them with. */
const SHORTHANDS: KeyShorthands = { dpopKey, privateKeyJwt, requirePrivateKey, optionalAlgorithm };

/**
 * The built-in flows, in one object. Using one keeps them all in an app's bundle, with DPoP and
 * JWT signing: for the smallest bundle, import a flow by name (`import { clientCredentials }`).
 * The OAuth2 flows here also take the key shorthands `dpop: true | { privateKey, publicKey }` and
 * `privateKey` (for `dpopKey()` and `auth: privateKeyJwt({ privateKey })`).
 *
 * The built-in flows:
 * - `jsonCredentials`: JSON `{username,password}` login answered by a bare `access_token` (AlertSite).
 * - `formCredentials`: form login with extra fields, JWT access + refresh tokens (KlearStack).
 * - `clientCredentials`: OAuth2 RFC 6749 §4.4 (OpsRamp and most machine-to-machine APIs).
 * - `passwordGrant`: OAuth2 RFC 6749 §4.3 (ASP.NET `/Token` endpoints).
 * - `tokenExchange`: OAuth2 Token Exchange RFC 8693 (calls on behalf of the caller's subject).
 * - `jwtBearer`: OAuth2 JWT bearer grant RFC 7523 (a signed assertion as the grant).
 * - `tokenRequest`: a token endpoint of your own shape (headers, JSON body, answer fields).
 *
 * @namespace
 * @example
 * const flow = flows.jsonCredentials({ tokenUrl, username, password });
 */
export const flows = Object.freeze({
  /**
   * JSON `{username,password}` login answered by a bare `access_token` (AlertSite). Defaults:
   * `lifetimeSeconds: 3600`. Options: {@link JsonCredentialsOptions}.
   */
  jsonCredentials,
  /**
   * Form login with extra `fields`, JWT access token + refresh token (KlearStack). Defaults:
   * `lifetimeSeconds: 900`, refresh URL `refresh_token` next to `tokenUrl`. Options:
   * {@link FormCredentialsOptions}.
   */
  formCredentials,
  /**
   * OAuth2 client credentials grant, RFC 6749 §4.4 (OpsRamp and most machine-to-machine APIs).
   * Defaults: `auth: 'client_secret_post'`, `lifetimeSeconds: 3600`. Options:
   * {@link ClientCredentialsOptions}.
   */
  clientCredentials: (options: ClientCredentialsOptions): TokenFlow =>
    clientCredentials(withKeyShorthands(options, SHORTHANDS)),
  /**
   * OAuth2 resource owner password grant, RFC 6749 §4.3 (ASP.NET `/Token` endpoints, which revoke
   * earlier tokens on each login). Defaults: no client id, `lifetimeSeconds: 3600`. Options:
   * {@link PasswordGrantOptions}.
   */
  passwordGrant: (options: PasswordGrantOptions): TokenFlow =>
    passwordGrant(withKeyShorthands(options, SHORTHANDS)),
  /**
   * OAuth 2.0 Token Exchange, RFC 8693: the caller's subject token (`withContext({ subjectToken })`)
   * traded for a downstream token, cached per subject. Defaults: `lifetimeSeconds: 300`. Options:
   * {@link TokenExchangeOptions}.
   */
  tokenExchange: (options: TokenExchangeOptions): TokenFlow =>
    tokenExchange(withKeyShorthands(options, SHORTHANDS)),
  /**
   * JWT bearer authorization grant, RFC 7523 §2.1, with an assertion signed from a key or given
   * by a function. Defaults: `lifetimeSeconds: 3600`. Options: {@link JwtBearerOptions}.
   */
  jwtBearer: (options: JwtBearerOptions): TokenFlow =>
    jwtBearer(withKeyShorthands(options, SHORTHANDS)),
  /**
   * A non-OAuth token endpoint: your headers (made per request) and JSON body, the token and its
   * expiry read from the fields you name, any 2xx status. Defaults: `method: 'POST'`,
   * `lifetimeSeconds: 3600`. Options: {@link TokenRequestOptions}.
   */
  tokenRequest,
});
