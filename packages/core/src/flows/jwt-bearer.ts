import { SignJWT } from 'jose';
import { genericGrantRequest } from 'openid-client';
import { type DPoPOption, dpopProver } from '../dpop.js';
import { AuthConfigError, AuthError } from '../errors.js';
import type { TokenResponse } from '../token.js';
import type { FlowRequest, TokenFlow } from '../token-flow.js';
import {
  CLIENT_AUTH_OPTION_KEYS,
  type ClientAuthOptions,
  clientAuthentication,
} from './client-auth.js';
import { createFlowContext, flowError } from './flow-context.js';
import { endpointSource, NO_CLIENT_ID, runGrant, scopeOption } from './oauth2-client.js';
import {
  algorithmFor,
  lazySigningKey,
  optionalAlgorithm,
  type PrivateKeyInput,
  requirePrivateKey,
} from './signing-key.js';
import {
  type OptionKeys,
  optionalString,
  rejectUnknownOptions,
  requirePositive,
  requireString,
} from './validate-options.js';

/** `grant_type` of RFC 7523 §2.1. */
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Lifetime of a signed assertion, seconds. */
const ASSERTION_LIFETIME_SECONDS = 300;

/** What to sign into the assertion of {@link flows.jwtBearer}. */
export interface JwtBearerAssertionOptions {
  /** Signing key: a private JWK, a PKCS#8 PEM string or a `CryptoKey`. Never printed. */
  privateKey: PrivateKeyInput;
  /** `iss` claim (often the client id or a service account). */
  issuer: string;
  /** `sub` claim: the principal the token is for. */
  subject: string;
  /** `aud` claim. Default: the token URL. */
  audience?: string;
  /** `kid` header. Default: the JWK's `kid`, else none. */
  keyId?: string;
  /** JWS algorithm. Default: by key (`RS256` for RSA and PEM, `ES256` for P-256, `EdDSA`). */
  algorithm?: string;
}

/** Options of {@link flows.jwtBearer}. */
export interface JwtBearerOptions extends ClientAuthOptions {
  /** Absolute URL of the token endpoint. */
  tokenUrl: string | URL;
  /**
   * The authorization grant: a function returning a signed JWT (called per token request), or
   * what to sign one from (a fresh assertion per request, valid 5 minutes).
   */
  assertion: (() => string | Promise<string>) | JwtBearerAssertionOptions;
  /**
   * Client id. RFC 7523 §3.1 makes client authentication optional, but most servers want to know
   * the client (Okta, Auth0, Entra ID, oidc-provider refuse the grant without it): give it unless
   * the server's documentation says otherwise. Without it nothing identifies the client, not even
   * `client_id`. With it the client authenticates by `auth` (default `client_secret_post`: the
   * form carries `client_id`, and `client_secret` when given), or with `privateKey` / `tls` as for
   * `clientCredentials`. Default: none sent.
   */
  clientId?: string;
  /** Client secret (needs `clientId`). Never printed. Default: none. */
  clientSecret?: string;
  /** Requested scope, a space-separated string or a list. Default: none sent. */
  scope?: string | readonly string[];
  /** DPoP-bound tokens (`true` or a `{ privateKey, publicKey }` pair, as for `clientCredentials`). Default `false`. */
  dpop?: DPoPOption;
  /** Lifetime in seconds when the response has no `expires_in`. Default `3600`. */
  lifetimeSeconds?: number;
  /** Allow plain `http:` to a non-loopback host. Default `false`. */
  allowInsecureHttp?: boolean;
}

/** Every option key, for the unknown-option check. */
const JWT_BEARER_OPTION_KEYS = {
  ...CLIENT_AUTH_OPTION_KEYS,
  tokenUrl: true,
  assertion: true,
  clientId: true,
  clientSecret: true,
  scope: true,
  dpop: true,
  lifetimeSeconds: true,
  allowInsecureHttp: true,
} satisfies OptionKeys<JwtBearerOptions>;

/**
 * JWT bearer authorization grant (RFC 7523 §2.1): `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`
 * with a signed `assertion` (Google service accounts, Salesforce, many enterprise servers).
 * Client authentication is optional (RFC 7523 §3.1).
 *
 * Defaults: no client id, assertion `aud` = `tokenUrl`, `lifetimeSeconds: 3600`. Id: `jwtBearer`.
 *
 * @example
 * const flow = flows.jwtBearer({
 *   tokenUrl: 'https://idp.example.com/oauth/token',
 *   assertion: { privateKey: pem, issuer: 'svc-reports', subject: 'svc-reports' },
 *   scope: 'reports:read',
 * });
 */
export function jwtBearer(options: JwtBearerOptions): TokenFlow {
  rejectUnknownOptions(options, JWT_BEARER_OPTION_KEYS);
  const clientId = optionalString('clientId', options.clientId);
  const clientSecret = optionalString('clientSecret', options.clientSecret);
  if (clientSecret !== undefined && clientId === undefined) {
    throw new AuthConfigError('clientId', 'is required when clientSecret is given');
  }
  const scope = scopeOption(options.scope);
  const lifetimeSeconds = requirePositive('lifetimeSeconds', options.lifetimeSeconds ?? 3600);
  const auth = clientAuthentication(options, clientId, clientSecret, false);
  const dpop = dpopProver(options.dpop);
  const configClientId = clientId ?? NO_CLIENT_ID;
  const source = endpointSource({
    tokenUrl: options.tokenUrl,
    allowInsecureHttp: options.allowInsecureHttp,
    clientId: configClientId,
    clientAuth: auth.clientAuth,
  });
  const ctx = createFlowContext('jwtBearer', source.display, [clientSecret]);
  const { assertion, identity } = assertionSource(options.assertion, source.display.href);
  const client = { clientId: configClientId, auth, dpop, fallbackLifetimeSeconds: lifetimeSeconds };

  return Object.freeze({
    id: 'jwtBearer',
    cacheKeyParts: Object.freeze([source.display.href, clientId ?? '', ...identity, scope ?? '']),
    defaultLifetimeSeconds: lifetimeSeconds,
    ...(dpop === undefined ? {} : { dpop }),
    async requestToken(req: FlowRequest): Promise<TokenResponse> {
      let jwt: unknown;
      try {
        jwt = await assertion();
      } catch (error) {
        const message = error instanceof AuthError ? error.message : 'the assertion function threw';
        throw flowError(ctx, 'CLIENT_KEY_INVALID', message, {
          cause: error instanceof Error ? new Error(error.name) : undefined,
        });
      }
      if (typeof jwt !== 'string' || jwt.length === 0) {
        throw new AuthConfigError('assertion', 'must return a non-empty string (a signed JWT)');
      }
      return runGrant(ctx, req, source, client, (config) =>
        genericGrantRequest(config, JWT_BEARER, {
          assertion: jwt as string,
          ...(scope === undefined ? {} : { scope }),
        }),
      );
    },
  });
}

/** The assertion factory and its non-secret identity (for the cache key). */
function assertionSource(
  value: JwtBearerOptions['assertion'],
  tokenUrl: string,
): { assertion: () => string | Promise<string>; identity: string[] } {
  if (typeof value === 'function') return { assertion: value, identity: [] };
  if (typeof value !== 'object' || value === null) {
    throw new AuthConfigError('assertion', 'must be a function or { privateKey, issuer, subject }');
  }
  const privateKey = requirePrivateKey('assertion.privateKey', value.privateKey);
  const issuer = requireString('assertion.issuer', value.issuer);
  const subject = requireString('assertion.subject', value.subject);
  const audience = optionalString('assertion.audience', value.audience) ?? tokenUrl;
  const algorithm = algorithmFor(
    privateKey,
    optionalAlgorithm('assertion.algorithm', value.algorithm),
  );
  const keyId =
    optionalString('assertion.keyId', value.keyId) ??
    (typeof privateKey === 'object' && typeof (privateKey as { kid?: unknown }).kid === 'string'
      ? (privateKey as { kid: string }).kid
      : undefined);
  const signingKey = lazySigningKey('assertion.privateKey', privateKey, algorithm);
  return {
    identity: [issuer, subject, audience],
    assertion: async () =>
      new SignJWT({})
        .setProtectedHeader({ alg: algorithm, ...(keyId === undefined ? {} : { kid: keyId }) })
        .setIssuer(issuer)
        .setSubject(subject)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ASSERTION_LIFETIME_SECONDS}s`)
        .setJti(crypto.randomUUID())
        .sign(await signingKey()),
  };
}
