/**
 * Runs the Hono demo: `PORT` (default 3003), `HOST` (default 127.0.0.1), providers from
 * `demoConfigFromEnv()` (default: the emulators started by `auth-emulators --port-base 4101`),
 * tokens shared through Redis when `REDIS_URL` is set. Stops cleanly on SIGINT / SIGTERM.
 */
import { createDemoClients, demoConfigFromEnv, demoStoreFromEnv } from '@auth/demo-config';
import { DEFAULT_PORT, startDemoServer } from './server.js';

const port = Number(process.env.PORT ?? DEFAULT_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

const store = demoStoreFromEnv();
const server = await startDemoServer({
  clients: createDemoClients(demoConfigFromEnv(), store ? { store } : {}),
  port,
  hostname: process.env.HOST ?? '127.0.0.1',
});
console.log(`demo-hono listening on ${server.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
