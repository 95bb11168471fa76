import { withCredentials } from '../engine/shared-entries.js';
import type { TokenResponse } from '../engine/token.js';
import type { FlowRequest, TokenFlow } from '../engine/token-flow.js';
import { AuthConfigError } from '../errors.js';
import {
  type OptionKeys,
  rejectUnknownOptions,
  requireEndpointUrl,
  requirePositive,
  requireString,
  requireStringRecord,
} from '../shared/validate-options.js';
import { createFlowContext, type FlowContext } from './flow-context.js';
import { parseTokenBody, type RejectionHint, sendTokenRequest } from './read-token-body.js';
import { toTokenResponse } from './token-fields.js';

/** How {@link flows.formCredentials} exchanges a refresh token. */
export interface FormRefreshOptions {
  /**
   * Absolute URL of the refresh endpoint. Default: `refresh_token` next to `tokenUrl`
   * (`.../access/klearstack/get_access_token` → `.../access/klearstack/refresh_token`).
   */
  url?: string | URL;
  /** Form field carrying the refresh token. Default `refresh_token`. */
  field?: string;
  /** Also send the extra `fields` (e.g. `company_name`) with a refresh. Default `false`. */
  extraFields?: boolean;
}

/** Options of {@link flows.formCredentials}. */
export interface FormCredentialsOptions {
  /** Absolute URL of the login endpoint, e.g. `https://host/access/klearstack/get_access_token`. */
  tokenUrl: string | URL;
  /** Login name, sent as form field `username`. */
  username: string;
  /** Password, sent as form field `password`. Never logged or printed. */
  password: string;
  /** Extra form fields sent with the login, e.g. `{ company_name: 'Acme' }`. Default none. */
  fields?: Readonly<Record<string, string>>;
  /** Refresh endpoint settings. Default: see {@link FormRefreshOptions}. */
  refresh?: FormRefreshOptions;
  /** Lifetime in seconds when neither `expires_in` nor a JWT `exp` tells one. Default `900`. */
  lifetimeSeconds?: number;
  /** Allow plain `http:` to a non-loopback host. Default `false`. */
  allowInsecureHttp?: boolean;
}

const FORM_CREDENTIALS_OPTION_KEYS = {
  tokenUrl: true,
  username: true,
  password: true,
  fields: true,
  refresh: true,
  lifetimeSeconds: true,
  allowInsecureHttp: true,
} satisfies OptionKeys<FormCredentialsOptions>;

/**
 * A form login: `POST {tokenUrl}` form-urlencoded `username`, `password` and `fields`, answered by
 * `access_token` (a JWT valid for minutes), `refresh_token` (days) and extras such as
 * `release_version` (KlearStack style). Expiry comes from the access token's JWT `exp` claim
 * (decoded, not verified); when it cannot be read, `lifetimeSeconds` applies.
 *
 * `refreshToken(rt)` posts `refresh_token=rt` to the refresh URL; a rotated refresh token in the
 * answer replaces the old one, otherwise the old one is kept. A rejected refresh throws
 * `TOKEN_ENDPOINT_REJECTED` (the manager then logs in again).
 *
 * Such servers answer **500 with a text body** when a required field is missing; the error then
 * says so and names the fields that were sent (names only).
 *
 * Defaults: `lifetimeSeconds: 900`, `refresh.field: 'refresh_token'`, `refresh.extraFields: false`,
 * `allowInsecureHttp: false`. Id: `formCredentials`.
 *
 * @example
 * const flow = flows.formCredentials({
 *   tokenUrl: 'https://klearstack.example.com/access/klearstack/get_access_token',
 *   username: 'ops@example.com',
 *   password: secret,
 *   fields: { company_name: 'Acme' },
 * });
 */
export function formCredentials(options: FormCredentialsOptions): TokenFlow {
  rejectUnknownOptions(options, FORM_CREDENTIALS_OPTION_KEYS);
  const insecure = options.allowInsecureHttp;
  const tokenUrl = requireEndpointUrl('tokenUrl', options.tokenUrl, insecure);
  const username = requireString('username', options.username);
  const password = requireString('password', options.password);
  const fields = requireStringRecord('fields', options.fields);
  for (const reserved of ['username', 'password']) {
    if (reserved in fields) {
      throw new AuthConfigError(`fields.${reserved}`, `is set by the "${reserved}" option`);
    }
  }
  const lifetimeSeconds = requirePositive('lifetimeSeconds', options.lifetimeSeconds ?? 900);
  const refresh = options.refresh ?? {};
  const refreshUrl = requireEndpointUrl(
    'refresh.url',
    refresh.url ?? new URL('refresh_token', tokenUrl).href,
    insecure,
  );
  const refreshField = requireString('refresh.field', refresh.field ?? 'refresh_token');
  const refreshExtras = refresh.extraFields === true;

  const loginCtx = createFlowContext('formCredentials', tokenUrl, [password]);
  const refreshCtx = createFlowContext('formCredentials', refreshUrl, [password]);
  const sentFields = ['username', 'password', ...Object.keys(fields)].join(', ');
  const loginHint: RejectionHint = (status) =>
    status === 500
      ? `servers of this kind answer 500 when a required form field is missing (e.g. company_name); fields sent: ${sentFields}`
      : undefined;

  const post = async (
    ctx: FlowContext,
    req: FlowRequest,
    url: URL,
    form: URLSearchParams,
    previousRefreshToken: string | undefined,
  ): Promise<TokenResponse> => {
    const raw = await sendTokenRequest(ctx, req, url, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form,
    });
    const json = parseTokenBody(ctx, raw, ctx === loginCtx ? loginHint : undefined);
    const rules = { fallbackLifetimeSeconds: lifetimeSeconds, jwtExp: true };
    return toTokenResponse(
      ctx,
      json,
      raw.status,
      previousRefreshToken === undefined ? rules : { ...rules, previousRefreshToken },
    );
  };

  return withCredentials(
    Object.freeze({
      id: 'formCredentials',
      cacheKeyParts: Object.freeze([tokenUrl.href, username, ...sortedEntries(fields)]),
      defaultLifetimeSeconds: lifetimeSeconds,
      requestToken(req: FlowRequest): Promise<TokenResponse> {
        const form = new URLSearchParams({ username, password, ...fields });
        return post(loginCtx, req, tokenUrl, form, undefined);
      },
      refreshToken(refreshToken: string, req: FlowRequest): Promise<TokenResponse> {
        const form = new URLSearchParams(refreshExtras ? fields : {});
        form.set(refreshField, refreshToken);
        return post(refreshCtx, req, refreshUrl, form, refreshToken);
      },
    }),
    [password],
  );
}

/** `key=value` pairs in a stable order, for the cache key (extra fields are not secret). */
function sortedEntries(fields: Readonly<Record<string, string>>): string[] {
  return Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`);
}
