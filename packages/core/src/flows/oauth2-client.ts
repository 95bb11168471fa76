/**
 * What the two OAuth2 flows share on top of openid-client: client authentication choices, one
 * `Configuration` per token request (so concurrent requests never share a `fetch` or signal), a
 * `customFetch` that goes through {@link sendTokenRequest} (manager's `fetch`, signal, byte limit,
 * no redirects, vendor error bodies), optional discovery, and the result mapping.
 *
 * @internal
 */
import {
  allowInsecureRequests,
  type ClientAuth,
  ClientSecretBasic,
  ClientSecretPost,
  Configuration,
  type CustomFetch,
  customFetch,
  discovery,
  None,
  type ServerMetadata,
  type TokenEndpointResponse,
} from 'openid-client';
import { AuthConfigError } from '../errors.js';
import type { TokenResponse } from '../token.js';
import type { FlowRequest } from '../token-flow.js';
import { type FlowContext, flowError } from './flow-context.js';
import { mapOpenIdError } from './openid-errors.js';
import { isSuccess, rejectedError, sendTokenRequest, tooLargeError } from './read-token-body.js';
import { toTokenResponse } from './token-fields.js';
import {
  optionalString,
  requireEndpointUrl,
  requireOneOf,
  transportProblem,
} from './validate-options.js';

/**
 * How the client authenticates at the token endpoint.
 *
 * - `client_secret_post` (default): `client_id` and `client_secret` as form fields. Many servers
 *   (the OpsRamp quickstart included) document exactly these raw fields, and it avoids the
 *   encoding pitfall of Basic below.
 * - `client_secret_basic`: `Authorization: Basic base64(urlencode(id):urlencode(secret))`, as
 *   RFC 6749 §2.3.1 requires; servers that decode the header without form-decoding reject ids or
 *   secrets containing reserved characters.
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** Client id used internally when a password grant has none; never sent. */
export const NO_CLIENT_ID = 'anonymous-client';

/** A client authentication that sends nothing (no `client_id` either). */
const sendNothing: ClientAuth = () => undefined;

/** Chooses the openid-client `ClientAuth` for the given credentials. */
export function clientAuthFor(
  method: ClientAuthMethod,
  clientId: string | undefined,
  clientSecret: string | undefined,
): ClientAuth {
  if (clientId === undefined) return sendNothing;
  if (clientSecret === undefined) return None();
  return method === 'client_secret_basic'
    ? ClientSecretBasic(clientSecret)
    : ClientSecretPost(clientSecret);
}

/** Validates `auth`. */
export function authMethodOption(value: unknown): ClientAuthMethod {
  return requireOneOf<ClientAuthMethod>(
    'auth',
    value,
    ['client_secret_basic', 'client_secret_post'],
    'client_secret_post',
  );
}

/** A token endpoint given directly, or an issuer whose metadata names it (discovery). */
export interface EndpointSource {
  /** The URL shown in messages and used in the cache key. */
  readonly display: URL;
  /** Server metadata for the current request. */
  metadata(ctx: FlowContext, req: FlowRequest): Promise<ServerMetadata>;
  /** Whether `http:` is allowed (loopback or opt-in). */
  readonly insecure: boolean;
}

/**
 * Resolves `tokenUrl` (preferred) or `issuer` (discovery, opt-in) into an {@link EndpointSource}.
 * Exactly one of them must be given.
 */
export function endpointSource(options: {
  tokenUrl?: string | URL | undefined;
  issuer?: string | URL | undefined;
  allowInsecureHttp?: boolean | undefined;
  clientId: string;
  clientAuth: ClientAuth;
}): EndpointSource {
  const { tokenUrl, issuer, allowInsecureHttp } = options;
  if ((tokenUrl === undefined) === (issuer === undefined)) {
    throw new AuthConfigError('tokenUrl', 'give exactly one of "tokenUrl" or "issuer"');
  }
  if (tokenUrl !== undefined) {
    const url = requireEndpointUrl('tokenUrl', tokenUrl, allowInsecureHttp);
    const server: ServerMetadata = { issuer: url.origin, token_endpoint: url.href };
    return {
      display: url,
      insecure: url.protocol === 'http:',
      metadata: async () => server,
    };
  }
  const issuerUrl = requireEndpointUrl('issuer', issuer, allowInsecureHttp);
  const insecure = issuerUrl.protocol === 'http:';
  // Discovery result is configuration, not token state: fetched once, retried after a failure.
  let pending: Promise<ServerMetadata> | undefined;
  return {
    display: issuerUrl,
    insecure,
    metadata(ctx, req) {
      pending ??= discovery(issuerUrl, options.clientId, undefined, options.clientAuth, {
        [customFetch]: boundedFetch(ctx, req),
        ...(insecure ? { execute: [allowInsecureRequests] } : {}),
      })
        .then((config) => {
          const server = config.serverMetadata();
          if (typeof server.token_endpoint !== 'string') {
            throw flowError(
              ctx,
              'TOKEN_RESPONSE_INVALID',
              `${ctx.endpoint} discovery document names no token_endpoint`,
            );
          }
          const problem = URL.canParse(server.token_endpoint)
            ? transportProblem(new URL(server.token_endpoint), allowInsecureHttp)
            : 'must be an absolute URL';
          if (problem !== undefined) {
            throw flowError(
              ctx,
              'TOKEN_RESPONSE_INVALID',
              `${ctx.endpoint} discovery document names a token_endpoint that is refused: it ${problem}`,
            );
          }
          return { ...server };
        })
        .catch((error: unknown) => {
          pending = undefined;
          throw mapOpenIdError(ctx, error, [req.signal]);
        });
      return pending;
    },
  };
}

/**
 * A `customFetch` for openid-client that uses the manager's `fetch` and signal, reads at most
 * `maxResponseBytes`, and throws our own errors for non-2xx and oversized answers.
 */
export function boundedFetch(
  ctx: FlowContext,
  req: FlowRequest,
  seen: { status?: number } = {},
): CustomFetch {
  return async (url, options) => {
    const raw = await sendTokenRequest(ctx, req, url, {
      method: options.method,
      headers: options.headers,
      body: options.body as string | URLSearchParams | null | undefined,
      signal: options.signal,
    });
    seen.status = raw.status;
    if (!isSuccess(raw.status)) throw rejectedError(ctx, raw);
    if (raw.truncated) throw tooLargeError(ctx, raw.status);
    const headers = new Headers(raw.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    const empty = raw.status === 204 || raw.status === 205;
    return new Response(empty ? null : raw.text, { status: raw.status, headers });
  };
}

/** Runs one openid-client grant with a fresh `Configuration` and maps its result and errors. */
export async function runGrant(
  ctx: FlowContext,
  req: FlowRequest,
  source: EndpointSource,
  client: { clientId: string; clientAuth: ClientAuth; fallbackLifetimeSeconds: number },
  grant: (config: Configuration) => Promise<TokenEndpointResponse>,
  previousRefreshToken?: string,
): Promise<TokenResponse> {
  const server = await source.metadata(ctx, req);
  const config = new Configuration(server, client.clientId, undefined, client.clientAuth);
  const seen: { status?: number } = {};
  config[customFetch] = boundedFetch(ctx, req, seen);
  // The manager's signal is the timeout; openid-client's own 30 s default is switched off.
  config.timeout = 0;
  if (source.insecure) allowInsecureRequests(config);
  let result: TokenEndpointResponse;
  try {
    result = await grant(config);
  } catch (error) {
    throw mapOpenIdError(ctx, error, [req.signal], seen.status);
  }
  const rules = { fallbackLifetimeSeconds: client.fallbackLifetimeSeconds };
  return toTokenResponse(
    ctx,
    { ...result } as Record<string, unknown>,
    200,
    previousRefreshToken === undefined ? rules : { ...rules, previousRefreshToken },
  );
}

/** `scope` given as a string or a list (joined with spaces, RFC 6749 §3.3). */
export function scopeOption(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    return optionalString('scope', value.map((s) => requireScopeItem(s)).join(' '));
  }
  return optionalString('scope', value);
}

function requireScopeItem(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || /\s/.test(value)) {
    throw new AuthConfigError('scope', 'items must be non-empty strings without spaces');
  }
  return value;
}
