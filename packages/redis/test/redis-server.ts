import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** A Redis for the tests: our own `redis-server` (can be stopped and restarted) or `REDIS_URL`. */
export interface TestRedis {
  readonly url: string;
  /** `false` for `REDIS_URL`: that server cannot be stopped by the tests. */
  readonly controllable: boolean;
  /** Stops the server (outage). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it for good. */
  dispose(): Promise<void>;
}

const externalUrl = process.env.REDIS_URL;
const required = process.env.REQUIRE_REDIS === '1';

function hasRedisServer(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** Whether the Redis tests can run here. */
export const redisAvailable = externalUrl !== undefined || hasRedisServer();
/** Whether our own, restartable redis-server runs (needed for outage tests). */
export const redisControllable = externalUrl === undefined && redisAvailable;

if (!redisAvailable) {
  const message =
    '\n*** @auth/redis: no REDIS_URL and no `redis-server` on the PATH: Redis tests are SKIPPED ***\n';
  if (required) throw new Error(`${message}(REQUIRE_REDIS=1 makes this a failure)`);
  console.warn(message);
}

/** Starts a Redis for a test file (or wraps `REDIS_URL`). */
export async function startTestRedis(): Promise<TestRedis> {
  if (externalUrl !== undefined) {
    return {
      url: externalUrl,
      controllable: false,
      stop: async () => {
        throw new Error('REDIS_URL is not controlled by the tests');
      },
      start: async () => {},
      dispose: async () => {},
    };
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    if (child !== undefined) return;
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const current = child;
    current.once('exit', () => {
      if (child === current) child = undefined;
    });
    await waitForPing(port, 5_000);
  };
  const stop = async () => {
    const current = child;
    if (current === undefined) return;
    child = undefined;
    await new Promise<void>((resolve) => {
      if (current.exitCode !== null || current.signalCode !== null) return resolve();
      current.once('exit', () => resolve());
      current.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, controllable: true, start, stop, dispose: stop };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
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
