import { type AuthEvent, createAuthClients, presets } from '@auth/core';
import { RedisTokenStore, type RedisTokenStoreOptions } from '@auth/redis';
import type { AspNetTokenEmulator } from '@auth/testing';

/** A call that did not get a 200: when it started and ended, and its error code or HTTP status. */
export interface CallFailure {
  startedAt: number;
  at: number;
  why: string;
}

/** Options of {@link FleetInstance} beside the store's. */
export interface InstanceOptions {
  /** Concurrent callers. Default 5. */
  callers?: number;
  /** Pause of each caller between calls, ms (keeps the CPU for the other processes). Default 5. */
  pauseMs?: number;
  /** Refresh this long before expiry, ms (so that a token lasts nearly its lifetime). Default 100. */
  refreshBeforeExpiryMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One instance of a service fleet, in this process: its own `RedisTokenStore` (own connection),
 * its own client registry (own memory), and callers calling `GET api/me` on the aspnet emulator
 * until {@link stop}. Several of them are a fleet as far as Redis and the provider can tell.
 */
export class FleetInstance {
  readonly store: RedisTokenStore;
  readonly failures: CallFailure[] = [];
  /** Every event of the instance's client, with its time. */
  readonly events: AuthEvent[] = [];
  /** End times of the calls that got a 200. */
  readonly okAt: number[] = [];
  readonly #clients;
  readonly #options: Required<InstanceOptions>;
  #running = false;
  #loops: Promise<void>[] = [];

  constructor(
    aspnet: AspNetTokenEmulator,
    storeOptions: RedisTokenStoreOptions,
    options: InstanceOptions = {},
  ) {
    this.#options = { callers: 5, pauseMs: 5, refreshBeforeExpiryMs: 100, ...options };
    this.store = new RedisTokenStore(storeOptions);
    this.#clients = createAuthClients({
      legacy: {
        ...presets.aspnetToken({ baseUrl: aspnet.origin, ...aspnet.credentials }),
        store: this.store,
        refresh: { beforeExpiryMs: this.#options.refreshBeforeExpiryMs },
        onEvent: (event) => this.events.push(event),
      },
    });
  }

  /** Calls that got a 200. */
  get ok(): number {
    return this.okAt.length;
  }

  /** Starts the callers. */
  start(): this {
    this.#running = true;
    this.#loops = Array.from({ length: this.#options.callers }, () => this.#caller());
    return this;
  }

  /** Stops the callers, waits for their last call, closes the clients and the store. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
    await this.#clients.close();
  }

  /** Times (epoch ms) this instance got a token from the token endpoint, and why it asked. */
  logins(): { time: number; reason: string }[] {
    const logins: { time: number; reason: string }[] = [];
    let reason = '';
    for (const e of this.events) {
      if (e.type === 'token.request') reason = e.reason;
      if (e.type === 'token.success' && e.source === 'endpoint')
        logins.push({ time: e.time, reason });
    }
    return logins;
  }

  /**
   * Failure reasons and their counts, e.g. `{ 'HTTP 401': 2 }`, of the calls that ended (`by:
   * 'start'`: started) in [`since`, `until`).
   */
  failureCounts(
    since = 0,
    until = Number.POSITIVE_INFINITY,
    by: 'end' | 'start' = 'end',
  ): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { startedAt, at, why } of this.failures) {
      const time = by === 'start' ? startedAt : at;
      if (time >= since && time < until) counts[why] = (counts[why] ?? 0) + 1;
    }
    return counts;
  }

  async #caller(): Promise<void> {
    while (this.#running) {
      const startedAt = Date.now();
      try {
        const res = await this.#clients.legacy.fetch('me');
        await res.arrayBuffer();
        if (res.status === 200) this.okAt.push(Date.now());
        else this.failures.push({ startedAt, at: Date.now(), why: `HTTP ${res.status}` });
      } catch (error) {
        const code = (error as { code?: string }).code ?? (error as Error).name;
        this.failures.push({ startedAt, at: Date.now(), why: code });
      }
      await sleep(this.#options.pauseMs);
    }
  }
}

/**
 * Calls that got a 200 and calls that failed over instances, among those that ended at or after
 * `since` (with `by: 'start'`: failures among the calls started at or after it).
 */
export function fleetTotals(
  instances: readonly FleetInstance[],
  since = 0,
  by: 'end' | 'start' = 'end',
) {
  return {
    ok: instances.reduce((sum, i) => sum + i.okAt.filter((at) => at >= since).length, 0),
    failed: instances.reduce(
      (sum, i) =>
        sum + i.failures.filter((f) => (by === 'start' ? f.startedAt : f.at) >= since).length,
      0,
    ),
  };
}
