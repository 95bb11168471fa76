import type { TokenResponse } from '../engine/token.js';
import type { FlowRequest, TokenFlow } from '../engine/token-flow.js';
import { AuthConfigError, AuthError } from '../errors.js';
import {
  type OptionKeys,
  optionalString,
  rejectUnknownOptions,
  requireEndpointUrl,
  requireOneOf,
  requirePositive,
  requireString,
} from '../shared/validate-options.js';
import { createFlowContext, flowError } from './flow-context.js';
import { parseTokenBody, sendTokenRequest } from './read-token-body.js';
import { toTokenResponse } from './token-fields.js';

/** Where a non-OAuth answer keeps the token and its expiry. */
export interface TokenAnswerFields {
  /** Field holding the token. Default `access_token`. */
  token?: string;
  /** Field holding the lifetime in seconds. Default `expires_in`. */
  expiresIn?: string;
  /** Field holding the absolute expiry as an ISO 8601 or HTTP date (GitHub: `expires_at`). Default: none. */
  expiresAt?: string;
}

/** Options of {@link flows.tokenRequest}. */
export interface TokenRequestOptions {
  /** Flow id in errors, events and the cache key, e.g. `githubApp`. Default `tokenRequest`. */
  id?: string;
  /** Absolute URL of the token endpoint. */
  tokenUrl: string | URL;
  /** HTTP method. Default `POST`. */
  method?: 'POST' | 'PUT' | 'GET';
  /**
   * Request headers, or a function that makes them for each request (to put a freshly signed JWT
   * in `authorization`). Their values are redacted from every error. Default: `accept:
   * application/json` only.
   */
  headers?:
    | Readonly<Record<string, string>>
    | (() => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>);
  /** JSON request body (sent with `content-type: application/json`). Default: none. */
  body?: Readonly<Record<string, unknown>>;
  /** Where the answer keeps the token and its expiry. Default: the OAuth field names. */
  answer?: TokenAnswerFields;
  /** Non-secret values naming whose token this is (app, installation, user). Default: none. */
  cacheKeyParts?: readonly string[];
  /** Lifetime in seconds when the answer tells none. Default `3600`. */
  lifetimeSeconds?: number;
  /** Allow plain `http:` to a non-loopback host. Default `false`. */
  allowInsecureHttp?: boolean;
}

const TOKEN_REQUEST_OPTION_KEYS = {
  id: true,
  tokenUrl: true,
  method: true,
  headers: true,
  body: true,
  answer: true,
  cacheKeyParts: true,
  lifetimeSeconds: true,
  allowInsecureHttp: true,
} satisfies OptionKeys<TokenRequestOptions>;

/** Headers whose values are never secret (everything else is redacted from errors). */
const PLAIN_HEADERS = new Set(['accept', 'content-type', 'user-agent']);

const ANSWER_KEYS = {
  token: true,
  expiresIn: true,
  expiresAt: true,
} satisfies OptionKeys<TokenAnswerFields>;

/**
 * A token endpoint of your own shape (not OAuth): one request with your headers and JSON body,
 * an answer whose token and expiry sit in fields you name, any 2xx status (GitHub answers 201).
 * Everything else is shared with the built-in flows: the byte limit, no redirects, the vendor's
 * error text in `vendorCode` / `vendorMessage` (RFC 6749 `error`, `message`, `errors[]`…), the
 * token checks, and no header value (a signed JWT, an API key) in any error.
 *
 * Defaults: `method: 'POST'`, answer fields `access_token` / `expires_in`, `lifetimeSeconds: 3600`.
 * Id: `id` (default `tokenRequest`).
 *
 * @example
 * // GitHub App installation token: an app JWT buys `{ token, expires_at }` (HTTP 201).
 * const sign = jwtSigner({ privateKey: pem, lifetimeSeconds: 540, backdateSeconds: 60 });
 * const flow = flows.tokenRequest({
 *   id: 'githubApp',
 *   tokenUrl: `https://api.github.com/app/installations/${installationId}/access_tokens`,
 *   headers: async () => ({ authorization: `Bearer ${await sign({ iss: appId })}` }),
 *   answer: { token: 'token', expiresAt: 'expires_at' },
 *   cacheKeyParts: [appId, installationId],
 * });
 */
export function tokenRequest(options: TokenRequestOptions): TokenFlow {
  rejectUnknownOptions(options, TOKEN_REQUEST_OPTION_KEYS);
  const id = optionalString('id', options.id) ?? 'tokenRequest';
  const tokenUrl = requireEndpointUrl('tokenUrl', options.tokenUrl, options.allowInsecureHttp);
  const method = requireOneOf('method', options.method, ['POST', 'PUT', 'GET'] as const, 'POST');
  const headers = options.headers ?? {};
  if (typeof headers !== 'function' && (typeof headers !== 'object' || headers === null)) {
    throw new AuthConfigError('headers', 'must be an object of strings or a function');
  }
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined && method === 'GET') {
    throw new AuthConfigError('body', 'cannot be sent with method GET');
  }
  const answer = options.answer ?? {};
  rejectUnknownOptions(answer, ANSWER_KEYS, 'answer');
  const tokenField = optionalString('answer.token', answer.token) ?? 'access_token';
  const expiresInField = optionalString('answer.expiresIn', answer.expiresIn) ?? 'expires_in';
  const expiresAtField = optionalString('answer.expiresAt', answer.expiresAt);
  const parts = (options.cacheKeyParts ?? []).map((part, i) =>
    requireString(`cacheKeyParts[${i}]`, part),
  );
  const lifetimeSeconds = requirePositive('lifetimeSeconds', options.lifetimeSeconds ?? 3600);
  const staticCtx = createFlowContext(id, tokenUrl, []);

  return Object.freeze({
    id,
    cacheKeyParts: Object.freeze([tokenUrl.href, ...parts]),
    defaultLifetimeSeconds: lifetimeSeconds,
    async requestToken(req: FlowRequest): Promise<TokenResponse> {
      let sent: Readonly<Record<string, string>>;
      try {
        sent = typeof headers === 'function' ? await headers() : headers;
      } catch (error) {
        if (error instanceof AuthError && !(error instanceof AuthConfigError)) {
          throw flowError(staticCtx, error.code, error.message);
        }
        throw flowError(staticCtx, 'CLIENT_KEY_INVALID', 'the headers function threw', {
          cause: error instanceof Error ? new Error(error.name) : undefined,
        });
      }
      // The header values (a signed JWT, an API key) are this request's secrets.
      const secrets = Object.entries(sent)
        .filter(([name]) => !PLAIN_HEADERS.has(name.toLowerCase()))
        .map(([, value]) => value);
      const ctx = createFlowContext(id, tokenUrl, secrets);
      const raw = await sendTokenRequest(ctx, req, tokenUrl, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...sent,
        },
        body: body ?? null,
      });
      const json = parseTokenBody(ctx, raw);
      const {
        [tokenField]: token,
        [expiresInField]: expiresIn,
        access_token: _ignored,
        ...rest
      } = json;
      const result = toTokenResponse(
        ctx,
        {
          ...rest,
          access_token: token,
          ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
        },
        raw.status,
        { fallbackLifetimeSeconds: lifetimeSeconds },
      );
      if (expiresAtField === undefined || expiresIn !== undefined) return result;
      const at = json[expiresAtField];
      if (at === undefined) return result;
      const ms = typeof at === 'string' ? Date.parse(at) : Number.NaN;
      if (!Number.isFinite(ms)) {
        throw flowError(
          ctx,
          'TOKEN_RESPONSE_INVALID',
          `${ctx.endpoint} answered no valid "${expiresAtField}" (an ISO 8601 date)`,
          { status: raw.status },
        );
      }
      const { expiresIn: _fallback, ...timed } = result;
      return { ...timed, expiresAt: ms };
    },
  });
}
