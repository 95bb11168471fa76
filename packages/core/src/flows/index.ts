/**
 * Token flows: how to obtain a token from one kind of endpoint. Pass one as `flow` of a client.
 *
 * @example
 * import { flows } from '@auth/core';
 * const flow = flows.clientCredentials({ tokenUrl, clientId, clientSecret, scope: 'read' });
 */
import { clientCredentials } from './client-credentials.js';
import { formCredentials } from './form-credentials.js';
import { jsonCredentials } from './json-credentials.js';
import { jwtBearer } from './jwt-bearer.js';
import { passwordGrant } from './password-grant.js';
import { tokenExchange } from './token-exchange.js';
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
export type { PasswordGrantOptions } from './password-grant.js';
export type { TokenExchangeOptions } from './token-exchange.js';
export type { TokenAnswerFields, TokenRequestOptions } from './token-request.js';
export {
  clientCredentials,
  formCredentials,
  jsonCredentials,
  jwtBearer,
  passwordGrant,
  tokenExchange,
  tokenRequest,
};

/**
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
  clientCredentials,
  /**
   * OAuth2 resource owner password grant, RFC 6749 §4.3 (ASP.NET `/Token` endpoints, which revoke
   * earlier tokens on each login). Defaults: no client id, `lifetimeSeconds: 3600`. Options:
   * {@link PasswordGrantOptions}.
   */
  passwordGrant,
  /**
   * OAuth 2.0 Token Exchange, RFC 8693: the caller's subject token (`withContext({ subjectToken })`)
   * traded for a downstream token, cached per subject. Defaults: `lifetimeSeconds: 300`. Options:
   * {@link TokenExchangeOptions}.
   */
  tokenExchange,
  /**
   * JWT bearer authorization grant, RFC 7523 §2.1, with an assertion signed from a key or given
   * by a function. Defaults: `lifetimeSeconds: 3600`. Options: {@link JwtBearerOptions}.
   */
  jwtBearer,
  /**
   * A non-OAuth token endpoint: your headers (made per request) and JSON body, the token and its
   * expiry read from the fields you name, any 2xx status. Defaults: `method: 'POST'`,
   * `lifetimeSeconds: 3600`. Options: {@link TokenRequestOptions}.
   */
  tokenRequest,
});
