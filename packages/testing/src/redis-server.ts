import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Socket } from 'node:net';

/** A `redis-server` child process on a free loopback port, keeping nothing on disk. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** The loopback port it listens on. */
  readonly port: number;
  /** Kill the server (simulates an outage). Idempotent. */
  stop(): Promise<void>;
  /** Start it again on the same port and wait until it answers PING. Idempotent. */
  start(): Promise<void>;
  /** Stop it for good. */
  dispose(): Promise<void>;
}

/** Whether `redis-server` is on the PATH. */
export function isRedisServerAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/**
 * Starts `redis-server` from the PATH on a free port (no persistence) for tests, demos and
 * benchmarks. Throws when `redis-server` is not installed (check {@link isRedisServerAvailable}).
 *
 * @example
 * const redis = await startRedisServer();
 * const store = new RedisTokenStore({ redis: redis.url });
 * await redis.stop(); // outage
 * await redis.start(); // back
 * await redis.dispose();
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    if (child !== undefined) return;
    const current = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = current;
    current.once('exit', () => {
      if (child === current) child = undefined;
    });
    await waitForPing(port, 5_000);
  };
  const stop = async () => {
    const current = child;
    if (current === undefined) return;
    child = undefined;
    if (current.exitCode !== null || current.signalCode !== null) return;
    current.kill('SIGKILL');
    await once(current, 'exit');
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop, dispose: stop };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
