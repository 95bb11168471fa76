/**
 * Runs the Express demo: `PORT` (default 3004), providers from the environment (default: the
 * emulators started by `auth-emulators --port-base 4101`), tokens shared through Redis when
 * `REDIS_URL` is set. Ctrl+C / SIGTERM shuts down cleanly.
 */
import { runDemoServer } from '@auth/demo-config';
import { createDemoApp } from './app.js';

runDemoServer('demo-express', 3004, (clients, port, ready) =>
  createDemoApp(clients).listen(port, ready),
);
