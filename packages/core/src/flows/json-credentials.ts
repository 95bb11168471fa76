import { withCredentials } from '../engine/shared-entries.js';
import type { TokenResponse } from '../engine/token.js';
import type { FlowRequest, TokenFlow } from '../engine/token-flow.js';
import {
  type OptionKeys,
  rejectUnknownOptions,
  requireEndpointUrl,
  requirePositive,
  requireString,
} from '../shared/validate-options.js';
import { createFlowContext } from './flow-context.js';
import { parseTokenBody, sendTokenRequest } from './read-token-body.js';
import { toTokenResponse } from './token-fields.js';

/** Options of {@link flows.jsonCredentials}. */
export interface JsonCredentialsOptions {
  /** Absolute URL of the login endpoint, e.g. `https://api.alertsite.com/api/v3/access-tokens`. */
  tokenUrl: string | URL;
  /** Login name, sent as `username`. */
  username: string;
  /** Password, sent as `password`. Never logged or printed. */
  password: string;
  /** Token lifetime in seconds when the response has no `expires_in`. Default `3600` (AlertSite: 1 hour). */
  lifetimeSeconds?: number;
  /** Allow plain `http:` to a non-loopback host. Default `false`. */
  allowInsecureHttp?: boolean;
}

const JSON_CREDENTIALS_OPTION_KEYS = {
  tokenUrl: true,
  username: true,
  password: true,
  lifetimeSeconds: true,
  allowInsecureHttp: true,
} satisfies OptionKeys<JsonCredentialsOptions>;

/**
 * A JSON login: `POST {tokenUrl}` with `{"username","password"}` as JSON, answered by
 * `{"access_token"}` (AlertSite style). The response carries no lifetime, so the token is assumed
 * valid for `lifetimeSeconds` from when the request was sent (an `expires_in`, if a server sends
 * one, wins). Error bodies `{"errors":[{"code","message"}]}` become `vendorCode` / `vendorMessage`.
 *
 * Defaults: `lifetimeSeconds: 3600`, `allowInsecureHttp: false`. Id: `jsonCredentials`.
 *
 * @example
 * const flow = flows.jsonCredentials({
 *   tokenUrl: 'https://api.alertsite.com/api/v3/access-tokens',
 *   username: process.env.ALERTSITE_USER,
 *   password: process.env.ALERTSITE_PASSWORD,
 * });
 */
export function jsonCredentials(options: JsonCredentialsOptions): TokenFlow {
  rejectUnknownOptions(options, JSON_CREDENTIALS_OPTION_KEYS);
  const tokenUrl = requireEndpointUrl('tokenUrl', options.tokenUrl, options.allowInsecureHttp);
  const username = requireString('username', options.username);
  const password = requireString('password', options.password);
  const lifetimeSeconds = requirePositive('lifetimeSeconds', options.lifetimeSeconds ?? 3600);
  const ctx = createFlowContext('jsonCredentials', tokenUrl, [password]);

  return withCredentials(
    Object.freeze({
      id: 'jsonCredentials',
      cacheKeyParts: Object.freeze([tokenUrl.href, username]),
      defaultLifetimeSeconds: lifetimeSeconds,
      async requestToken(req: FlowRequest): Promise<TokenResponse> {
        const raw = await sendTokenRequest(ctx, req, tokenUrl, {
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ username, password }),
        });
        const json = parseTokenBody(ctx, raw);
        return toTokenResponse(ctx, json, raw.status, { fallbackLifetimeSeconds: lifetimeSeconds });
      },
    }),
    [password],
  );
}
