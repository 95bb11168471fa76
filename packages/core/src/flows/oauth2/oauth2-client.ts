/**
 * What the two OAuth2 flows share on top of openid-client: client authentication choices, one
 * `Configuration` per token request (so concurrent requests never share a `fetch` or signal), a
 * `customFetch` that goes through {@link sendTokenRequest} (manager's `fetch`, signal, byte limit,
 * no redirects, vendor error bodies), optional discovery, and the result mapping.
 */
import {
  allowInsecureRequests,
  type ClientAuth,
  Configuration,
  type CustomFetch,
  customFetch,
  discovery,
  type ServerMetadata,
  type TokenEndpointResponse,
} from 'openid-client';
import type { DPoPProver } from '../../engine/dpop.js';
import type { TokenResponse } from '../../engine/token.js';
import type { FlowRequest } from '../../engine/token-flow.js';
import { AuthConfigError, TokenEndpointError } from '../../errors.js';
import {
  optionalString,
  requireEndpointUrl,
  transportProblem,
} from '../../shared/validate-options.js';
import { type FlowContext, flowError } from '../flow-context.js';
import {
  isSuccess,
  type RawTokenResponse,
  type RejectionHint,
  rejectedError,
  sendTokenRequest,
  tooLargeError,
} from '../read-token-body.js';
import { expiresInSeconds, toTokenResponse } from '../token-fields.js';
import { type ClientAuthentication, KEY_METHODS } from './client-auth.js';
import { mapOpenIdError } from './openid-errors.js';

/** Client id used internally when a password grant has none; never sent. */
export const NO_CLIENT_ID = 'anonymous-client';

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
 * A `customFetch` for openid-client that uses the manager's `fetch` (or the mutual TLS one) and
 * signal, reads at most `maxResponseBytes`, and throws our own errors for non-2xx and oversized
 * answers. With `dpop`, each request carries a fresh proof, and a `use_dpop_nonce` refusal is sent
 * once more with the server's nonce (RFC 9449 §8).
 */
export function boundedFetch(
  ctx: FlowContext,
  req: FlowRequest,
  seen: { status?: number } = {},
  transport: {
    tlsFetch?: typeof fetch | undefined;
    dpop?: DPoPProver | undefined;
    hint?: RejectionHint | undefined;
  } = {},
): CustomFetch {
  const flowReq = transport.tlsFetch === undefined ? req : { ...req, fetch: transport.tlsFetch };
  const { dpop } = transport;
  return async (url, options) => {
    const target = new URL(url);
    const send = async () => {
      const headers = new Headers(options.headers);
      const nonce = dpop?.nonceFor(target);
      if (dpop !== undefined) headers.set('dpop', await dpop.proof(options.method, target));
      const raw = await sendTokenRequest(ctx, flowReq, url, {
        method: options.method,
        headers,
        body: options.body as string | URLSearchParams | null | undefined,
        signal: options.signal,
      });
      return { raw, fresh: dpop?.rememberNonce(target, raw.headers, nonce) === true };
    };
    let { raw, fresh } = await send();
    if (dpop !== undefined && asksForNonce(raw)) {
      if (fresh) ({ raw, fresh } = await send());
      if (asksForNonce(raw)) throw nonceError(ctx, raw);
    }
    seen.status = raw.status;
    if (!isSuccess(raw.status)) throw rejectedError(ctx, raw, transport.hint);
    if (raw.truncated) throw tooLargeError(ctx, raw.status);
    const headers = new Headers(raw.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    const empty = raw.status === 204 || raw.status === 205;
    return new Response(empty ? null : ourTokenFields(ctx, raw), { status: raw.status, headers });
  };
}

/**
 * A token response body as openid-client should read it: our rules for the token fields, not
 * its own ({@link toTokenResponse} applies the same ones to every flow). A missing `token_type`
 * becomes `bearer` (openid-client refuses it; many vendors omit it), and an `expires_in` other
 * than a JSON number or a string of digits is refused here (openid-client would `parseFloat`
 * `[60]`, `"6e1"` or `" 60"`). Bodies that are not a JSON object go through unchanged, for
 * openid-client to refuse.
 */
function ourTokenFields(ctx: FlowContext, raw: RawTokenResponse): string {
  let json: unknown;
  try {
    json = JSON.parse(raw.text);
  } catch {
    return raw.text;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return raw.text;
  const fields = json as Record<string, unknown>;
  if (fields.expires_in !== undefined) {
    const seconds = expiresInSeconds(fields.expires_in);
    if (typeof seconds === 'string') {
      throw flowError(ctx, 'TOKEN_RESPONSE_INVALID', `${ctx.endpoint} answered ${seconds}`, {
        status: raw.status,
      });
    }
  }
  if (fields.token_type !== undefined) return raw.text;
  return JSON.stringify({ ...fields, token_type: 'bearer' });
}

/** A token endpoint answer refusing the proof for want of a (fresh) nonce. */
function asksForNonce(raw: RawTokenResponse): boolean {
  return raw.status === 400 && /"error"\s*:\s*"use_dpop_nonce"/.test(raw.text);
}

function nonceError(ctx: FlowContext, raw: RawTokenResponse): TokenEndpointError {
  const base = rejectedError(ctx, raw);
  return new TokenEndpointError(
    'DPOP_NONCE_REJECTED',
    `${ctx.endpoint} still requires a DPoP nonce after one retry with the nonce it gave`,
    {
      flow: ctx.flow,
      status: raw.status,
      vendorCode: 'use_dpop_nonce',
      vendorMessage: base.vendorMessage,
    },
  );
}

/** What {@link runGrant} needs to know about the client. */
export interface GrantClient {
  readonly clientId: string;
  readonly auth: ClientAuthentication;
  readonly fallbackLifetimeSeconds: number;
  /** DPoP proofs for token requests (and a `DPoP` token type accepted). */
  readonly dpop?: DPoPProver | undefined;
  /** What a refusal of this grant most likely means, when the flow knows better than "check the credentials". */
  readonly rejectionHint?: RejectionHint | undefined;
}

/** Runs one openid-client grant with a fresh `Configuration` and maps its result and errors. */
export async function runGrant(
  ctx: FlowContext,
  req: FlowRequest,
  source: EndpointSource,
  client: GrantClient,
  grant: (config: Configuration) => Promise<TokenEndpointResponse>,
  previousRefreshToken?: string,
): Promise<TokenResponse> {
  const server = await source.metadata(ctx, req);
  const config = new Configuration(server, client.clientId, undefined, client.auth.clientAuth);
  const seen: { status?: number } = {};
  config[customFetch] = boundedFetch(ctx, req, seen, {
    tlsFetch: client.auth.tlsFetch,
    dpop: client.dpop,
    hint: client.rejectionHint,
  });
  // The manager's signal is the timeout; openid-client's own 30 s default is switched off.
  config.timeout = 0;
  if (source.insecure) allowInsecureRequests(config);
  let result: TokenEndpointResponse;
  try {
    result = await grant(config);
  } catch (error) {
    throw clientAuthError(client, mapOpenIdError(ctx, error, [req.signal], seen.status));
  }
  const rules = {
    fallbackLifetimeSeconds: client.fallbackLifetimeSeconds,
    dpop: client.dpop !== undefined,
  };
  return toTokenResponse(
    ctx,
    { ...result } as Record<string, unknown>,
    200,
    previousRefreshToken === undefined ? rules : { ...rules, previousRefreshToken },
  );
}

/**
 * `invalid_client` under a key or certificate method: the key, assertion or certificate was
 * refused (`CLIENT_AUTH_REJECTED`), a different fix than a wrong secret.
 */
function clientAuthError(client: GrantClient, error: TokenEndpointError): TokenEndpointError {
  if (error.vendorCode !== 'invalid_client' || !KEY_METHODS.has(client.auth.method)) return error;
  return new TokenEndpointError(
    'CLIENT_AUTH_REJECTED',
    `${error.problem}; the ${client.auth.method} client authentication (key or certificate) was refused`,
    {
      flow: error.flow,
      ...(error.status === undefined ? {} : { status: error.status }),
      vendorCode: error.vendorCode,
      ...(error.vendorMessage === undefined ? {} : { vendorMessage: error.vendorMessage }),
    },
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
