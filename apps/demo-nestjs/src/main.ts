/**
 * Runs the NestJS demo: `PORT` (default 3001), `HOST` (default 127.0.0.1), `PLATFORM` (`express`,
 * the default, or `fastify`), providers from `demoConfigFromEnv()` (default: the emulators started
 * by `auth-emulators --port-base 4101`), tokens shared through Redis when `REDIS_URL` is set.
 * Stops cleanly on SIGINT / SIGTERM: `app.close()` closes the clients and their stores.
 */
import { createDemoClients, demoConfigFromEnv, demoStoreFromEnv } from '@auth/demo-config';
import { Logger } from '@nestjs/common';
import { createDemoApp } from './app.js';

/** Port the demo listens on when `PORT` is not set. */
export const DEFAULT_PORT = 3001;

const port = Number(process.env.PORT ?? DEFAULT_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}
const platform = process.env.PLATFORM ?? 'express';
if (platform !== 'express' && platform !== 'fastify') {
  console.error(`PLATFORM must be "express" or "fastify", got ${JSON.stringify(platform)}`);
  process.exit(1);
}
const host = process.env.HOST ?? '127.0.0.1';

const store = demoStoreFromEnv();
const { app } = await createDemoApp({
  clients: createDemoClients(demoConfigFromEnv(), store ? { store } : {}),
  platform,
});
await app.listen(port, host);
const logger = new Logger('demo-nestjs');
logger.log(`listening on ${await app.getUrl()} (${platform})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.log(`${signal}: shutting down`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
