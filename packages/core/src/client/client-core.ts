import type { TokenManager } from '../engine/token-manager.js';
import type { RequestTargets } from './request-targets.js';

/** The parts of a client shared by all its request-bound views. Built by `createAuthClient`. */
export interface AuthClientCore {
  readonly name: string;
  readonly baseUrl: URL;
  readonly manager: TokenManager;
  /** Request URLs resolved against `baseUrl`, and whether each may carry the token. */
  readonly targets: RequestTargets;
  readonly header: string;
  readonly scheme: string | undefined;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
  /** The manager's monotonic clock, ms: measures call latency. */
  readonly monotonic: () => number;
}
