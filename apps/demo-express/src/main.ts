/**
 * Runs the Express demo: `PORT` (default 3004), providers from the environment (default: the
 * emulators started by `auth-emulators --port-base 4101`), tokens shared through Redis when
 * `REDIS_URL` is set. Ctrl+C / SIGTERM shuts down cleanly.
 */
import { createDemoClients, demoConfigFromEnv, demoStoreFromEnv } from '@auth/demo-config';
import { createDemoApp } from './app.js';

const DEFAULT_PORT = 3004;

const port = Number(process.env.PORT ?? DEFAULT_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer 0-65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

const store = demoStoreFromEnv();
const clients = createDemoClients(demoConfigFromEnv(), store ? { store } : {});
const server = createDemoApp(clients).listen(port, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`demo-express listening on http://localhost:${actual}`);
});

let stopping = false;
function shutdown(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  console.log(`demo-express: ${signal} received, shutting down`);
  // Give in-flight requests a moment, then drop what is left.
  const force = setTimeout(() => server.closeAllConnections(), 5_000);
  force.unref();
  server.close(() => {
    clients.close().then(
      () => {
        console.log('demo-express: stopped');
        process.exitCode = 0;
      },
      (error: unknown) => {
        console.error('demo-express: closing the clients failed', error);
        process.exitCode = 1;
      },
    );
  });
  server.closeIdleConnections();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
