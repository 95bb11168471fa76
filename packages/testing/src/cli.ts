#!/usr/bin/env node
import { startEmulators } from './start-emulators.js';
import { formatEmulators, parseCliArgs, portsFrom, USAGE } from './table.js';

let options: ReturnType<typeof parseCliArgs>;
try {
  options = parseCliArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`auth-emulators: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

let emulators: Awaited<ReturnType<typeof startEmulators>>;
try {
  emulators = await startEmulators(
    options.portBase === undefined ? {} : { ports: portsFrom(options.portBase) },
  );
} catch (error) {
  const { code, port } = error as NodeJS.ErrnoException & { port?: number };
  if (code !== 'EADDRINUSE') throw error;
  process.stderr.write(
    `auth-emulators: port ${port} is already in use (are the emulators already running?); choose other ports with --port-base <port>\n`,
  );
  process.exit(1);
}
process.stdout.write(`${formatEmulators(emulators)}\nEmulators running. Press Ctrl+C to stop.\n`);

const stop = () => {
  void emulators.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
