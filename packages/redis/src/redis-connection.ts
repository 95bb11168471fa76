import { TokenStoreError } from '@auth/core';
import { Redis } from 'ioredis';
import { watchClient } from './client-watch.js';
import type { LuaScript } from './lua-scripts.js';
import type { RedisClient } from './redis-client.js';

/** A {@link TokenStoreError} caused by Redis itself (down, slow, refusing): the fallback may serve. */
export class RedisUnavailableError extends TokenStoreError {}

/** Options of {@link RedisConnection}. */
export interface RedisConnectionOptions {
  /** A client to borrow, or a `redis://` / `rediss://` URL for a client this connection owns. */
  redis: RedisClient | string;
  /** Upper bound of every command, ms. */
  commandTimeoutMs: number;
  /** Called each time the client becomes ready (after start-up and after every reconnect). */
  onReady?: () => void;
}

const CONNECTING = new Set(['wait', 'connecting', 'connect']);

/**
 * Runs commands on an ioredis client and turns every failure into a {@link RedisUnavailableError}
 * quickly, so that no caller waits on a queue while Redis is down:
 *
 * - A command is only sent while the client is `ready`. Otherwise it is rejected at once (nothing
 *   enters ioredis' offline queue, so nothing stale runs after a reconnect). The one exception is the
 *   first connection after start-up, which callers await for at most `commandTimeoutMs`.
 * - Every command is bounded by `commandTimeoutMs`.
 * - Clients created from a URL are owned: created with `enableOfflineQueue: false`,
 *   `maxRetriesPerRequest: 0`, `autoResendUnfulfilledCommands: false`, `commandTimeout`, a reconnect
 *   delay capped at 1 s, and closed by {@link close}. Borrowed clients keep their own options and
 *   are never closed.
 * - Every client gets an `'error'` and a `'ready'` listener (removed by {@link close}): the last
 *   connection error is named when a command is refused (an authentication failure by name), and
 *   `onReady` runs after each reconnect.
 * - Error causes keep only the name and message of the ioredis error (which otherwise carries the
 *   command arguments, i.e. token values).
 */
export class RedisConnection {
  readonly #client: RedisClient;
  readonly #owned: boolean;
  readonly #timeoutMs: number;
  #startup: Promise<void> | undefined;
  #closed = false;
  /** SHA-1s of the scripts this connection has sent with `EVAL`. */
  readonly #sent = new Set<string>();
  readonly #watch: ReturnType<typeof watchClient>;

  constructor(options: RedisConnectionOptions) {
    this.#timeoutMs = options.commandTimeoutMs;
    if (typeof options.redis === 'string') {
      this.#owned = true;
      this.#client = new Redis(options.redis, {
        // Fail fast instead of queueing: nothing waits for a reconnect, and no command written
        // before a disconnect is replayed after it (a stale SET could overwrite a newer token).
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        commandTimeout: options.commandTimeoutMs,
        connectTimeout: Math.max(options.commandTimeoutMs, 2_000),
        retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      });
      // Stays after close(): an error while quitting is not worth a console line either.
      this.#client.on('error', () => {});
    } else {
      this.#owned = false;
      this.#client = options.redis;
    }
    // Remembers why the client is not ready (named in the errors below). Being a listener, it also
    // stops ioredis from printing every reconnect failure: the store reports failures itself.
    const { onReady } = options;
    this.#watch = watchClient(this.#client, () => onReady?.());
    this.#startup = this.#watchStartup();
  }

  /** `true` when the client is connected and commands are sent. */
  get ready(): boolean {
    return !this.#closed && this.#client.status === 'ready';
  }

  /** Runs `command` under the availability rules above. */
  async run<T>(operation: string, command: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.#closed) throw new TokenStoreError(`Redis ${operation} failed: the store is closed`);
    if (this.#client.status !== 'ready' && this.#startup !== undefined) {
      if (this.#client.status === 'wait') this.#client.connect().catch(() => {});
      await withTimeout(this.#startup, this.#timeoutMs).catch(() => {});
    }
    if (this.#client.status !== 'ready') {
      throw new RedisUnavailableError(
        `Redis ${operation} failed: ${notReadyReason(this.#client.status, this.#watch.lastError())}`,
      );
    }
    try {
      return await withTimeout(command(this.#client), this.#timeoutMs);
    } catch (error) {
      throw new RedisUnavailableError(`Redis ${operation} failed: ${describe(error)}`, {
        cause: sanitize(error),
      });
    }
  }

  /**
   * Runs a Lua script: with `EVAL` the first time on this connection (which loads it), then by
   * SHA-1, loading it again with `EVAL` when Redis answers `NOSCRIPT` (a restart, another Cluster
   * node). No command is spent on a `NOSCRIPT` for a script this connection never sent.
   */
  async evalScript(
    operation: string,
    script: LuaScript,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<unknown> {
    return this.run(operation, async (client) => {
      if (!this.#sent.has(script.sha1)) {
        const answer = await client.eval(script.source, script.numberOfKeys, ...keys, ...args);
        this.#sent.add(script.sha1);
        return answer;
      }
      try {
        return await client.evalsha(script.sha1, script.numberOfKeys, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await client.eval(script.source, script.numberOfKeys, ...keys, ...args);
      }
    });
  }

  /** Quits the client if this connection created it; a borrowed client is left open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#startup = undefined;
    this.#watch.unwatch();
    if (!this.#owned) return;
    const client = this.#client;
    if (client.status === 'ready') {
      await withTimeout(client.quit(), this.#timeoutMs).catch(() => client.disconnect());
    } else {
      client.disconnect();
    }
  }

  /** Settles when the first connection attempt ends, successfully or not; then forgets it. */
  #watchStartup(): Promise<void> | undefined {
    const client = this.#client;
    if (!CONNECTING.has(client.status)) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        client.off('ready', done);
        client.off('close', done);
        client.off('end', done);
        this.#startup = undefined;
        resolve();
      };
      client.on('ready', done);
      client.on('close', done);
      client.on('end', done);
    });
  }
}

class CommandTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'CommandTimeoutError';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommandTimeoutError(ms)), ms);
    timer.unref?.();
  });
  // A command that times out may still settle later; never let that become unhandled.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const AUTH_FAILURE = /WRONGPASS|NOAUTH|invalid password|AUTH failed|NOPERM/i;

/** Why the client is not ready: an authentication failure by name, else its status and last error. */
function notReadyReason(status: string, lastError: string | undefined): string {
  if (lastError !== undefined && AUTH_FAILURE.test(lastError)) {
    return `authentication failed (${lastError}); check the user name and password of the Redis URL or client options`;
  }
  const last = lastError === undefined ? '' : `, last error: ${lastError}`;
  return `not connected (status "${status}"${last})`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}

/** A copy of `error` with only its name and message: ioredis attaches the command's arguments. */
function sanitize(error: unknown): Error {
  if (!(error instanceof Error)) return new Error('unknown error');
  const copy = new Error(error.message);
  copy.name = error.name;
  return copy;
}
