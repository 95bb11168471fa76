import { genericGrantRequest, refreshTokenGrant } from 'openid-client';
import { withCredentials } from '../engine/shared-entries.js';
import type { TokenResponse } from '../engine/token.js';
import type { FlowRequest, TokenFlow } from '../engine/token-flow.js';
import {
  joinOptionKeys,
  type OptionKeys,
  rejectUnknownOptions,
  requireString,
} from '../shared/validate-options.js';
import { CLIENT_AUTH_OPTION_KEYS, type ClientAuthOptions } from './oauth2/client-auth.js';
import { grantSetup } from './oauth2/grant-setup.js';
import type { NamedFlowOptions } from './oauth2/key-shorthands.js';
import { runGrant, scopeOption } from './oauth2/oauth2-client.js';

/** Options of {@link passwordGrant}. */
export interface PasswordGrantOptions extends ClientAuthOptions {
  /** Absolute URL of the token endpoint, e.g. `https://sandbox.sample/Token`. */
  tokenUrl: string | URL;
  /** Resource owner's user name. */
  username: string;
  /** Resource owner's password. Never logged or printed. */
  password: string;
  /** Client id. Default: none, and then no `client_id` is sent and no client authentication is done. */
  clientId?: string;
  /** Client secret (needs `clientId`). Default: none (a public client sends only `client_id`). */
  clientSecret?: string;
  /** Requested scope, a space-separated string or a list. Default: none sent. */
  scope?: string | readonly string[];
  /** Lifetime in seconds when the response has neither `expires_in` nor `.expires`. Default `3600`. */
  lifetimeSeconds?: number;
  /** Allow plain `http:` to a non-loopback host. Default `false`. */
  allowInsecureHttp?: boolean;
}

const PASSWORD_GRANT_OPTION_KEYS = /* @__PURE__ */ joinOptionKeys(
  {
    tokenUrl: true,
    username: true,
    password: true,
    clientId: true,
    clientSecret: true,
    scope: true,
  },
  CLIENT_AUTH_OPTION_KEYS,
  {
    lifetimeSeconds: true,
    allowInsecureHttp: true,
  },
) satisfies OptionKeys<PasswordGrantOptions>;

/**
 * OAuth2 resource owner password credentials grant (RFC 6749 §4.3) through openid-client: form
 * `grant_type=password`, `username`, `password`, `scope` when given, and client authentication only
 * when a `clientId` is given. Expiry from `expires_in`, else the `.expires` date (ASP.NET style).
 * Extras such as `userName`, `userId`, `role`, `.issued`, `.expires` are kept.
 *
 * Servers of the ASP.NET `/Token` kind **revoke every earlier token of the user** when they issue a
 * new one; the manager's single flight (and a shared store's lease across a fleet) exists for them.
 * If the server issues refresh tokens, `refreshToken(rt)` uses the `refresh_token` grant.
 *
 * Defaults: no client id, `auth: 'client_secret_post'`, `lifetimeSeconds: 3600`,
 * `allowInsecureHttp: false`. Id: `passwordGrant`.
 *
 * @example
 * const flow = flows.passwordGrant({
 *   tokenUrl: 'https://sandbox.sample/Token',
 *   username: 'user@example.com',
 *   password: secret,
 * });
 */
export function passwordGrant(options: NamedFlowOptions<PasswordGrantOptions>): TokenFlow {
  rejectUnknownOptions(options, PASSWORD_GRANT_OPTION_KEYS);
  const username = requireString('username', options.username);
  const password = requireString('password', options.password);
  const scope = scopeOption(options.scope);
  const { clientId, clientSecret, lifetimeSeconds, source, ctx, client } = grantSetup(options, {
    flow: 'passwordGrant',
    clientId: 'optional',
    defaultLifetimeSeconds: 3600,
    secrets: [password],
  });

  return withCredentials(
    Object.freeze({
      id: 'passwordGrant',
      cacheKeyParts: Object.freeze([source.display.href, clientId ?? '', username, scope ?? '']),
      defaultLifetimeSeconds: lifetimeSeconds,
      requestToken(req: FlowRequest): Promise<TokenResponse> {
        return runGrant(ctx, req, source, client, (config) =>
          genericGrantRequest(config, 'password', {
            username,
            password,
            ...(scope === undefined ? {} : { scope }),
          }),
        );
      },
      refreshToken(refreshToken: string, req: FlowRequest): Promise<TokenResponse> {
        return runGrant(
          ctx,
          req,
          source,
          client,
          (config) => refreshTokenGrant(config, refreshToken),
          refreshToken,
        );
      },
    }),
    [password, clientSecret, client.auth.key, options.tls],
  );
}
