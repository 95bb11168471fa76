/**
 * Runs the Fastify demo: `PORT` (default 3005), providers from the environment (default: the
 * emulators started by `auth-emulators --port-base 4101`), tokens shared through Redis when
 * `REDIS_URL` is set. Ctrl+C / SIGTERM shuts down cleanly.
 */
import { createDemoClients, demoConfigFromEnv, demoStoreFromEnv } from '@auth/demo-config';
import { createDemoApp } from './app.js';

const DEFAULT_PORT = 3005;

const port = Number(process.env.PORT ?? DEFAULT_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer 0-65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

const store = demoStoreFromEnv();
const clients = createDemoClients(demoConfigFromEnv(), store ? { store } : {});
const app = await createDemoApp(clients);
app.addHook('onClose', () => clients.close());
await app.listen({ port, host: '127.0.0.1' });
console.log(`demo-fastify listening on http://localhost:${port}`);

let stopping = false;
function shutdown(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  console.log(`demo-fastify: ${signal} received, shutting down`);
  // Fastify waits for requests in flight; drop what is left after 5 s.
  const force = setTimeout(() => app.server.closeAllConnections(), 5_000);
  force.unref();
  app.close().then(
    () => {
      console.log('demo-fastify: stopped');
      process.exitCode = 0;
    },
    (error: unknown) => {
      console.error('demo-fastify: closing failed', error);
      process.exitCode = 1;
    },
  );
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
