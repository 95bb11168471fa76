import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** The demo apps the tour runs, each from its built `dist/main.js`. */
export const DEMO_APPS = [
  { adapter: 'nestjs', main: new URL('../../demo-nestjs/dist/main.js', import.meta.url) },
  { adapter: 'koa', main: new URL('../../demo-koa/dist/main.js', import.meta.url) },
  { adapter: 'hono', main: new URL('../../demo-hono/dist/main.js', import.meta.url) },
  { adapter: 'express', main: new URL('../../demo-express/dist/main.js', import.meta.url) },
  { adapter: 'fastify', main: new URL('../../demo-fastify/dist/main.js', import.meta.url) },
] as const;

/** One running demo app process. */
export interface RunningApp {
  adapter: string;
  url: string;
  stop(): Promise<void>;
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts a demo app with `env` and waits until its `/health` answers (20 s at most). */
export async function startApp(
  app: (typeof DEMO_APPS)[number],
  env: Record<string, string>,
): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(process.execPath, [app.main.pathname], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const healthy = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return { adapter: app.adapter, url, stop: () => stop(child) };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop(child);
  throw new Error(`demo-${app.adapter} did not start:\n${stderr.slice(-2000)}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await once(child, 'exit');
  clearTimeout(killer);
}
