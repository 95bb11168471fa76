import type { FlowRequest, TokenFlow, TokenResponse } from '@auth/core';
import { TokenEndpointError } from '@auth/core';

/** A scriptable in-memory flow for engine unit tests (HTTP behaviour is tested against the emulators). */
export interface FakeFlow extends TokenFlow {
  /** Token requests made (logins). */
  logins: number;
  /** Refresh-token exchanges made. */
  refreshes: number;
  /** Seconds the next tokens live. */
  lifetime: number | undefined;
  /** When set, the next requests fail with it. */
  failWith: Error | undefined;
  /** When set, requests wait for this promise. */
  gate: Promise<void> | undefined;
  /** Refresh tokens the "server" accepts. */
  validRefreshTokens: Set<string>;
  requests: FlowRequest[];
}

export function fakeFlow(options: { lifetime?: number; refresh?: boolean } = {}): FakeFlow {
  let issued = 0;
  const answer = async (request: FlowRequest): Promise<TokenResponse> => {
    flow.requests.push(request);
    if (flow.gate) await flow.gate;
    if (flow.failWith) throw flow.failWith;
    issued += 1;
    const refreshToken = options.refresh ? `refresh-${issued}` : undefined;
    if (refreshToken) flow.validRefreshTokens.add(refreshToken);
    return {
      accessToken: `token-${issued}`,
      ...(flow.lifetime === undefined ? {} : { expiresIn: flow.lifetime }),
      ...(refreshToken ? { refreshToken } : {}),
    };
  };
  const flow: FakeFlow = {
    id: 'fake',
    cacheKeyParts: ['https://auth.example.test/token', 'user'],
    defaultLifetimeSeconds: 3600,
    logins: 0,
    refreshes: 0,
    lifetime: options.lifetime ?? 100,
    failWith: undefined,
    gate: undefined,
    validRefreshTokens: new Set(),
    requests: [],
    requestToken(request) {
      flow.logins += 1;
      return answer(request);
    },
    ...(options.refresh
      ? {
          refreshToken(refreshToken: string, request: FlowRequest) {
            flow.refreshes += 1;
            if (!flow.validRefreshTokens.delete(refreshToken)) {
              return Promise.reject(
                new TokenEndpointError('TOKEN_ENDPOINT_REJECTED', 'refresh token rejected', {
                  flow: 'fake',
                  status: 401,
                }),
              );
            }
            return answer(request);
          },
        }
      : {}),
  };
  return flow;
}

/** A manual clock. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  const clock = { time: start, now: () => clock.time, advance: (ms: number) => (clock.time += ms) };
  return clock;
}

/** A promise with its resolve function, to hold a request open. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Let pending promise callbacks run. */
export const flush = () => new Promise((resolve) => setImmediate(resolve));
