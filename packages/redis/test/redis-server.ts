import { isRedisServerAvailable, startRedisServer } from '@auth/testing';

/** A Redis for the tests: our own `redis-server` (can be stopped and restarted) or `REDIS_URL`. */
export interface TestRedis {
  readonly url: string;
  /** `false` for `REDIS_URL`: that server cannot be stopped by the tests. */
  readonly controllable: boolean;
  /** Stops the server (outage). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it for good. */
  dispose(): Promise<void>;
}

const externalUrl = process.env.REDIS_URL;
/** On CI (or with `REQUIRE_REDIS=1`) a missing Redis fails the suite instead of skipping it. */
const required = process.env.REQUIRE_REDIS === '1' || process.env.CI === 'true';

/** Whether the Redis tests can run here. */
export const redisAvailable = externalUrl !== undefined || isRedisServerAvailable();
/** Whether our own, restartable redis-server runs (needed for outage tests). */
export const redisControllable = externalUrl === undefined && redisAvailable;

if (!redisAvailable) {
  const message =
    '\n*** @auth/redis: no REDIS_URL and no `redis-server` on the PATH: Redis tests are SKIPPED ***\n';
  if (required) throw new Error(`${message}(CI=true or REQUIRE_REDIS=1 makes this a failure)`);
  console.warn(message);
}

/** Starts a Redis for a test file (or wraps `REDIS_URL`). */
export async function startTestRedis(): Promise<TestRedis> {
  if (externalUrl !== undefined) {
    return {
      url: externalUrl,
      controllable: false,
      stop: async () => {
        throw new Error('REDIS_URL is not controlled by the tests');
      },
      start: async () => {},
      dispose: async () => {},
    };
  }
  const server = await startRedisServer();
  return { ...server, controllable: true };
}
