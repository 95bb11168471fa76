/**
 * Global setup of the @auth/redis project: when no Redis can run here, says so before and again
 * after the whole run, so that a green `pnpm test` never hides a skipped suite. Under `CI=true`
 * (or `REQUIRE_REDIS=1`) the suite fails instead (see redis-server.ts).
 */
import { isRedisServerAvailable } from '@auth/testing';

const BANNER = [
  '',
  '********************************************************************************',
  '*** @auth/redis: the Redis suite did NOT run: no `redis-server` on the PATH    ***',
  '*** and no REDIS_URL. Install redis-server (apt-get install redis-server).     ***',
  '********************************************************************************',
  '',
].join('\n');

export default function redisNotice(): (() => void) | undefined {
  if (process.env.REDIS_URL !== undefined || isRedisServerAvailable()) return undefined;
  console.warn(BANNER);
  return () => console.warn(BANNER);
}
