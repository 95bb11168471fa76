import { genericGrantRequest } from 'openid-client';
import { type DPoPOption } from '../engine/dpop.js';
import { withCredentials } from '../engine/shared-entries.js';
import type { TokenResponse } from '../engine/token.js';
import type { FlowRequest, TokenFlow } from '../engine/token-flow.js';
import { AuthConfigError, AuthError } from '../errors.js';
import {
  joinOptionKeys,
  type OptionKeys,
  optionalString,
  rejectUnknownOptions,
  requireString,
} from '../shared/validate-options.js';
import { flowError } from './flow-context.js';
import { type JwtKeyOptions, signerFor } from './jwt-signer.js';
import { CLIENT_AUTH_OPTION_KEYS, type ClientAuthOptions } from './oauth2/client-auth.js';
import { grantSetup } from './oauth2/grant-setup.js';
import type { NamedFlowOptions } from './oauth2/key-shorthands.js';
import { runGrant, scopeOption } from './oauth2/oauth2-client.js';

/** `grant_type` of RFC 7523 §2.1. */
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** What to sign into the assertion of {@link jwtBearer}. */
export interface JwtBearerAssertionOptions extends JwtKeyOptions {
  /** `iss` claim (often the client id or a service account). */
  issuer: string;
  /**
   * `sub` claim: the principal the token is for. Default: none sent (Google service accounts use
   * it only for domain-wide delegation).
   */
  subject?: string;
  /** `aud` claim. Default: the token URL (Salesforce wants the login origin). */
  audience?: string;
  /**
   * Further claims, e.g. `{ scope: '…' }` (Google). Not secret: they are part of the cache key.
   * `iss`, `sub`, `aud`, `iat`, `exp` are set from the other options. Default: none.
   */
  claims?: Readonly<Record<string, unknown>>;
  /** Seconds from now to the assertion's `exp`. Default `300` (Salesforce allows at most 180). */
  lifetimeSeconds?: number;
  /** Clock for `iat` / `exp`, epoch ms. Default `Date.now` (presets pass the client's `now`). */
  now?: () => number;
}

const ASSERTION_OPTION_KEYS = {
  privateKey: true,
  algorithm: true,
  keyId: true,
  certificate: true,
  certificateHeaders: true,
  issuer: true,
  subject: true,
  audience: true,
  claims: true,
  lifetimeSeconds: true,
  now: true,
} satisfies OptionKeys<JwtBearerAssertionOptions>;

/** Claims the assertion options set; `claims` may not name them. */
const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'iat', 'exp', 'nbf'];

/** Options of {@link jwtBearer}. */
export interface JwtBearerOptions extends ClientAuthOptions {
  /** Absolute URL of the token endpoint. */
  tokenUrl: string | URL;
  /**
   * The authorization grant: a function returning a signed JWT (called per token request), or
   * what to sign one from (a fresh assertion per request, valid `lifetimeSeconds`, default 5 min).
   */
  assertion: (() => string | Promise<string>) | JwtBearerAssertionOptions;
  /**
   * With a function `assertion`: who its assertions are for (a service account, a user name),
   * added to the cache key so that two principals on one token URL never share a token. Not
   * secret. Only with a function (the object form's claims are in the key already). Default: none.
   */
  principal?: string;
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
  /** DPoP-bound tokens (`dpopKey()`, as for `clientCredentials`). Default `false`. */
  dpop?: DPoPOption;
  /** Lifetime in seconds when the response has no `expires_in`. Default `3600`. */
  lifetimeSeconds?: number;
  /** Allow plain `http:` to a non-loopback host. Default `false`. */
  allowInsecureHttp?: boolean;
}

/** Every option key, for the unknown-option check. */
const JWT_BEARER_OPTION_KEYS = /* @__PURE__ */ joinOptionKeys(CLIENT_AUTH_OPTION_KEYS, {
  tokenUrl: true,
  assertion: true,
  principal: true,
  clientId: true,
  clientSecret: true,
  scope: true,
  dpop: true,
  lifetimeSeconds: true,
  allowInsecureHttp: true,
}) satisfies OptionKeys<JwtBearerOptions>;

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
export function jwtBearer(options: NamedFlowOptions<JwtBearerOptions>): TokenFlow {
  rejectUnknownOptions(options, JWT_BEARER_OPTION_KEYS);
  const scope = scopeOption(options.scope);
  const { clientId, clientSecret, lifetimeSeconds, source, ctx, client } = grantSetup(options, {
    flow: 'jwtBearer',
    clientId: 'optional',
    defaultLifetimeSeconds: 3600,
  });
  const dpop = client.dpop;
  const { assertion, identity, key } = assertionSource(options, source.display.href);

  const flow: TokenFlow = Object.freeze({
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
  return withCredentials(flow, [clientSecret, client.auth.key, options.tls, key]);
}

/** The assertion factory and its non-secret identity (for the cache key). */
function assertionSource(
  options: JwtBearerOptions,
  tokenUrl: string,
): { assertion: () => string | Promise<string>; identity: string[]; key: unknown } {
  const value = options.assertion;
  if (typeof value === 'function') {
    const principal = optionalString('principal', options.principal);
    // What signs is the function: flows share tokens only when they were given the same one.
    return { assertion: value, identity: principal === undefined ? [] : [principal], key: value };
  }
  if (typeof value !== 'object' || value === null) {
    throw new AuthConfigError('assertion', 'must be a function or { privateKey, issuer }');
  }
  if (options.principal !== undefined) {
    throw new AuthConfigError('principal', 'is only used with a function assertion');
  }
  rejectUnknownOptions(value, ASSERTION_OPTION_KEYS, 'assertion');
  const issuer = requireString('assertion.issuer', value.issuer);
  const subject = optionalString('assertion.subject', value.subject);
  const audience = optionalString('assertion.audience', value.audience) ?? tokenUrl;
  const claims = value.claims ?? {};
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new AuthConfigError('assertion.claims', 'must be an object of JSON values');
  }
  const reserved = Object.keys(claims).find((name) => RESERVED_CLAIMS.includes(name));
  if (reserved !== undefined) {
    throw new AuthConfigError('assertion.claims', `must not set "${reserved}" (use the options)`);
  }
  const { issuer: _i, subject: _s, audience: _a, claims: _c, ...signer } = value;
  const sign = signerFor(signer, 'assertion.');
  const payload = {
    ...claims,
    iss: issuer,
    ...(subject === undefined ? {} : { sub: subject }),
    aud: audience,
  };
  return {
    identity: [issuer, subject ?? '', audience, JSON.stringify(claims)],
    assertion: () => sign(payload),
    key: value.privateKey,
  };
}
