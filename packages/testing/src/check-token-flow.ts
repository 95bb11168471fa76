import { inspect } from 'node:util';

/** The shape of `@auth/core`'s `TokenFlow` this check needs (kept structural: no dependency). */
export interface CheckedFlow {
  /** The flow's name. */
  readonly id: string;
  /** Non-secret identity of the token (checked to hold no secret). */
  readonly cacheKeyParts: readonly string[];
  /** Lifetime when a response tells none. */
  readonly defaultLifetimeSeconds: number;
  /** One token request. */
  requestToken(request: {
    fetch: typeof fetch;
    signal: AbortSignal;
    maxResponseBytes: number;
  }): Promise<CheckedTokenResponse>;
}

/** The part of a token response the check reads. */
export interface CheckedTokenResponse {
  /** The access token (checked never to be printed). */
  accessToken: string;
}

/** The part of an `AccessToken` the check reads. */
export interface CheckedToken extends CheckedTokenResponse {
  /** Epoch ms after which the token is expired. */
  expiresAt: number;
}

/** The part of `@auth/core`'s `TokenManager` the check drives. */
export interface CheckedManager {
  /** A valid token, requested when there is none. */
  getToken(): Promise<CheckedToken>;
  /** The manager's secret-free status rows (printed by the check). */
  status(): unknown;
}

/** What the check gives the `TokenManager` constructor. */
export interface CheckedManagerOptions<Flow, Store> {
  /** The flow under test. */
  flow: Flow;
  /** A fresh `MemoryTokenStore`. */
  store: Store;
  /** `globalThis.fetch`. */
  fetch: typeof fetch;
  /** The check's manual clock. */
  now: () => number;
  /** The same manual clock. */
  monotonic: () => number;
  /** `10_000`. */
  tokenTimeoutMs: number;
  /** `65_536`. */
  maxTokenResponseBytes: number;
  /** `15_000`. */
  leaseTtlMs: number;
  /** `100`. */
  maxCachedTenants: number;
}

/** `TokenManager` of `@auth/core`, as the check constructs it. */
export type CheckedManagerConstructor<Flow, Store> = new (
  options: CheckedManagerOptions<Flow, Store>,
) => CheckedManager;

/** `MemoryTokenStore` of `@auth/core`, as the check constructs it. */
export type CheckedStoreConstructor<Store> = new () => Store;

/** Options of {@link checkTokenFlow}. */
export interface CheckTokenFlowOptions<Flow extends CheckedFlow, Store> {
  /** The flow under test, configured with working credentials. */
  flow: Flow;
  /** The same flow with wrong credentials: its failure must be typed and secret-free. Default: not checked. */
  failingFlow?: Flow;
  /** Every secret the flows were given (passwords, client secrets, keys as strings). */
  secrets: readonly string[];
  /**
   * `TokenManager` from `@auth/core`, passed in so that `@auth/testing` needs no runtime
   * dependency on it.
   */
  TokenManager: CheckedManagerConstructor<Flow, Store>;
  /** `MemoryTokenStore` from `@auth/core`, for the same reason. */
  MemoryTokenStore: CheckedStoreConstructor<Store>;
  /** Concurrent callers of the single-flight check. Default `20`. */
  callers?: number;
}

/** What {@link checkTokenFlow} saw. */
export interface CheckTokenFlowReport {
  /** Token requests the flow made: 1 for the first lifetime, 1 after expiry. */
  tokenRequests: number;
  /** Lifetime of the first token, ms (from the response, or the flow's default). */
  lifetimeMs: number;
  /** `code` of the failing flow's error, when `failingFlow` was given. */
  failureCode?: string;
}

/**
 * Checks a {@link CheckedFlow} (a custom `TokenFlow`) against the engine's rules, over its real
 * endpoint: `callers` concurrent callers cause one token request (single flight); the token is
 * reused until it expires and renewed once after (expiry, on a manual clock); `failingFlow` fails
 * with a typed error (an `AuthError` with a stable `code`); and no secret, nor the access token,
 * appears in the printed flow, token, status or error. Throws an `Error` listing every broken rule.
 *
 * @example
 * import { MemoryTokenStore } from '@auth/core';
 * import { TokenManager } from '@auth/core/adapter';
 * const report = await checkTokenFlow({
 *   flow: acmeFlow({ tokenUrl, apiKey }),
 *   failingFlow: acmeFlow({ tokenUrl, apiKey: 'wrong' }),
 *   secrets: [apiKey],
 *   TokenManager,
 *   MemoryTokenStore,
 * });
 * // report.tokenRequests === 2
 */
export async function checkTokenFlow<Flow extends CheckedFlow, Store>(
  options: CheckTokenFlowOptions<Flow, Store>,
): Promise<CheckTokenFlowReport> {
  const problems: string[] = [];
  const printed: string[] = [];
  const print = (value: unknown) => {
    printed.push(inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? '');
    if (value instanceof Error) printed.push(value.message, String(value.stack));
  };
  let requests = 0;
  // The flow itself, with its token requests counted (flows are frozen: a child object, not a proxy).
  const counted = Object.create(options.flow, {
    requestToken: {
      value: (request: Parameters<CheckedFlow['requestToken']>[0]) => {
        requests += 1;
        return options.flow.requestToken(request);
      },
    },
  }) as Flow;
  let clock = Date.now();
  const manager = (flow: Flow) =>
    new options.TokenManager({
      flow,
      store: new options.MemoryTokenStore(),
      fetch: globalThis.fetch,
      now: () => clock,
      monotonic: () => clock,
      tokenTimeoutMs: 10_000,
      maxTokenResponseBytes: 65_536,
      leaseTtlMs: 15_000,
      maxCachedTenants: 100,
    });

  const tokens = manager(counted);
  const callers = options.callers ?? 20;
  const first = await Promise.all(Array.from({ length: callers }, () => tokens.getToken()));
  if (requests !== 1)
    problems.push(`single flight: ${callers} callers made ${requests} token requests (expected 1)`);
  const token = first[0] as CheckedToken;
  if (first.some((t) => t.accessToken !== token.accessToken)) {
    problems.push('single flight: concurrent callers got different tokens');
  }
  const lifetimeMs = token.expiresAt - clock;
  await tokens.getToken();
  if (requests !== 1) problems.push('expiry: a valid token was not reused');
  clock = token.expiresAt + 1;
  await tokens.getToken();
  if (requests !== 2)
    problems.push(`expiry: an expired token caused ${requests - 1} new requests (expected 1)`);
  print(options.flow);
  print(token);
  print(tokens.status());
  if (printed.some((text) => text.includes(token.accessToken))) {
    problems.push(
      'no secret in output: the access token appears in the printed flow, token or status',
    );
  }

  let failureCode: string | undefined;
  if (options.failingFlow !== undefined) {
    const error = await manager(options.failingFlow)
      .getToken()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const code = (error as { code?: unknown } | undefined)?.code;
    if (!(error instanceof Error) || typeof code !== 'string' || !/^[A-Z][A-Z_]+$/.test(code)) {
      problems.push(
        'errors typed: the failing flow did not reject with an error carrying a stable `code`',
      );
    } else failureCode = code;
    print(error);
    print(options.failingFlow);
  }
  const leaked = options.secrets.filter((secret) => printed.some((text) => text.includes(secret)));
  if (leaked.length > 0) problems.push(`no secret in output: ${leaked.length} secret(s) printed`);
  if (options.flow.cacheKeyParts.some((part) => options.secrets.some((s) => part.includes(s)))) {
    problems.push('no secret in output: a secret is part of cacheKeyParts');
  }
  if (problems.length > 0) {
    throw new Error(`checkTokenFlow(${options.flow.id}):\n- ${problems.join('\n- ')}`);
  }
  return {
    tokenRequests: requests,
    lifetimeMs,
    ...(failureCode === undefined ? {} : { failureCode }),
  };
}
