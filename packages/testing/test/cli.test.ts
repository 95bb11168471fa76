import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The committed bin entry (runs the built dist/cli.js; `pnpm test` builds first). */
const BIN = fileURLToPath(new URL('../bin/auth-emulators.js', import.meta.url));
const run = promisify(execFile);

describe('auth-emulators command', () => {
  let busy: Server;
  let port: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it('prints --help through the committed bin file', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--help']);
    expect(stdout).toContain('--port-base');
  });

  it('a busy port is one line naming the port, exit code 1, no stack trace', async () => {
    const failure = await run(process.execPath, [BIN, '--port-base', String(port)]).then(
      () => expect.fail('expected the command to fail'),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr.trim().split('\n')).toEqual([
      `auth-emulators: port ${port} is already in use (are the emulators already running?); choose other ports with --port-base <port>`,
    ]);
  });
});
