// Child processes and servers of a bench run: started here, all stopped by stopAll().
import { fork, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(`../${file}`, import.meta.url));
const running = new Set();

/** A free loopback TCP port (the OS picks it; tiny race before the child binds it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Forks `bench/<file>` with IPC (on another Node binary with `execPath`) and waits for its
 * `{ type: readyType }` message (default `'ready'`, bounded by `timeoutMs`). Returns
 * { child, ready, request(msg, replyType) }.
 */
export async function forkChild(
  file,
  args = [],
  { execArgv = [], execPath, timeoutMs = 30_000, env, readyType = 'ready' } = {},
) {
  const child = fork(here(file), args, {
    execArgv,
    ...(execPath ? { execPath } : {}),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  track(child);
  const ready = await waitForMessage(child, readyType, timeoutMs, file);
  return {
    child,
    ready,
    /** Send `message` and wait for the next message of type `replyType`. */
    request(message, replyType, timeout = 120_000) {
      const reply = waitForMessage(child, replyType, timeout, file);
      child.send(message);
      return reply;
    },
    stop: () => stopChild(child),
  };
}

/**
 * Runs `node bench/<file> ...args` to its end (tracked while it runs); resolves with its stdout
 * and the wall time from spawn to exit in ms. Rejects when it exits with another code than 0.
 */
export function runNode(file, args = []) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [here(file), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    track(child);
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.once('error', reject);
    let wallMs;
    child.once('exit', () => {
      wallMs = performance.now() - started;
    });
    // 'close' follows 'exit' once stdout is drained
    child.once('close', (code, signal) => {
      if (code === 0) resolve({ stdout, wallMs });
      else reject(new Error(`${file} ${args.join(' ')} exited (${code ?? signal})`));
    });
  });
}

/** Spawns a non-node program (redis-server) and tracks it. */
export function spawnTracked(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  track(child);
  return child;
}

function track(child) {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

function waitForMessage(child, type, timeoutMs, label) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`${label}: no "${type}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message) => {
      if (message?.type === type) finish(null, message);
      else if (message?.type === 'error') finish(new Error(`${label}: ${message.message}`));
    };
    const onExit = (code, signal) =>
      finish(new Error(`${label} exited (${code ?? signal}) before "${type}"`));
    function finish(error, message) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export function stopChild(child, graceMs = 3_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stops every child still running. */
export async function stopAll() {
  await Promise.all([...running].map((child) => stopChild(child)));
}

/** Number of children still running (for the final check). */
export function runningCount() {
  return running.size;
}

/** Waits until a TCP port accepts connections and (optionally) answers `probe` with `expect`. */
export async function waitForPort(port, { probe, expect, timeoutMs = 10_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      const done = (value) => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(500, () => done(false));
      socket.once('error', () => done(false));
      socket.once('connect', () => {
        if (!probe) return done(true);
        socket.write(probe);
      });
      socket.on('data', (chunk) => {
        data += chunk;
        if (data.includes(expect)) done(true);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} not ready within ${timeoutMs} ms`);
}

/** Starts one upstream emulator process; returns its info and a small control API. */
export async function startUpstream(args = []) {
  const handle = await forkChild('upstream.mjs', args);
  return { ...upstreamControl(handle.ready.info), stop: handle.stop };
}

/** The control API of a running upstream process, from its info (also in other processes). */
export function upstreamControl(info) {
  return {
    info,
    async stats() {
      const res = await fetch(`${info.control}/stats`);
      return res.json();
    },
    async reset() {
      const res = await fetch(`${info.control}/reset`, { method: 'POST' });
      await res.arrayBuffer();
    },
  };
}
