import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isRedisServerAvailable, startRedisServer } from '../src/index.js';

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
  });

describe.skipIf(!isRedisServerAvailable() && process.env.REQUIRE_REDIS !== '1')(
  'startRedisServer',
  () => {
    it('starts, stops and restarts a redis-server on the same port', async () => {
      const redis = await startRedisServer();
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await answers(redis.port)).toBe(true);
      await redis.stop();
      expect(await answers(redis.port)).toBe(false);
      await redis.start();
      expect(await answers(redis.port)).toBe(true);
      await redis.dispose();
      expect(await answers(redis.port)).toBe(false);
    });
  },
);
