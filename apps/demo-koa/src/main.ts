/**
 * Runs the Koa demo: `PORT` (default 3002), providers from the environment (default: the
 * emulators started by `auth-emulators --port-base 4101`), tokens shared through Redis when
 * `REDIS_URL` is set. Ctrl+C / SIGTERM shuts down cleanly.
 */
import { runDemoServer } from '@auth/demo-config';
import { createDemoApp } from './app.js';

runDemoServer('demo-koa', 3002, (clients, port, ready) =>
  createDemoApp(clients).app.listen(port, ready),
);
