import type { Server } from 'node:http';
import {
  createDemoClients,
  type DemoClients,
  demoConfigFromEnv,
  demoStoreFromEnv,
} from './index.js';

/**
 * Runs a demo app on a Node HTTP server: `PORT` (default `defaultPort`), providers from the
 * environment (default: the emulators of `auth-emulators --port-base 4101`), tokens shared through
 * Redis when `REDIS_URL` is set; SIGINT/SIGTERM stop it cleanly (requests in flight get 5 s, then
 * the clients are closed).
 *
 * @example
 * runDemoServer('demo-koa', 3002, (clients, port, ready) => createDemoApp(clients).app.listen(port, ready));
 */
export function runDemoServer(
  name: string,
  defaultPort: number,
  listen: (clients: DemoClients, port: number, ready: () => void) => Server,
): void {
  const port = Number(process.env.PORT ?? defaultPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`PORT must be an integer 0-65535, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(1);
  }
  const store = demoStoreFromEnv();
  const clients = createDemoClients(demoConfigFromEnv(), store ? { store } : {});
  const server = listen(clients, port, () => {
    const address = server.address();
    const actual = typeof address === 'object' && address !== null ? address.port : port;
    console.log(`${name} listening on http://localhost:${actual}`);
  });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${name}: ${signal} received, shutting down`);
    // Give in-flight requests a moment, then drop what is left.
    const force = setTimeout(() => server.closeAllConnections(), 5_000);
    force.unref();
    server.close(() => {
      clients.close().then(
        () => {
          console.log(`${name}: stopped`);
          process.exitCode = 0;
        },
        (error: unknown) => {
          console.error(`${name}: closing the clients failed`, error);
          process.exitCode = 1;
        },
      );
    });
    server.closeIdleConnections();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
