import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./fixtures/fleet-worker.mjs', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What a worker prints: one JSON object per line. */
export interface WorkerEvent {
  event: 'ready' | 'token' | 'error' | 'done' | 'closed';
  [field: string]: unknown;
}

/** Config of test/fixtures/fleet-worker.mjs (see the comment at its top). */
export interface WorkerConfig {
  origin: string;
  username: string;
  password: string;
  store: 'redis' | 'memory';
  redisUrl?: string;
  prefix?: string;
  fallback?: 'memory' | 'none';
  mode: 'load' | 'once';
  concurrency?: number;
  durationMs?: number;
  leaseTtlMs?: number;
  refresh?: { beforeExpiryMs?: number; lifetimeFraction?: number };
  measureLeaseWaits?: boolean;
  pauseMs?: number;
}

/**
 * Builds the packages the worker imports (it runs the built `dist/`, like an application): those
 * whose `dist/index.js` is missing or older than a file of their `src/`. Returns the rebuilt ones.
 */
export function buildPackages(packages: readonly string[] = ['core', 'redis']): string[] {
  const stale = packages.filter((name) => {
    const dir = join(REPO_ROOT, 'packages', name);
    const built = mtime(join(dir, 'dist', 'index.js'));
    return built === 0 || newest(join(dir, 'src')) > built;
  });
  if (stale.length > 0) {
    const filters = stale.flatMap((name) => ['--filter', `@auth/${name}`]);
    execFileSync('pnpm', [...filters, 'run', 'build'], { cwd: REPO_ROOT, stdio: 'pipe' });
  }
  return stale;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, mtime(join(entry.parentPath, entry.name)));
  }
  return latest;
}

/** One fleet instance in its own Node process. */
export class FleetWorker {
  readonly child: ChildProcess;
  readonly events: WorkerEvent[] = [];
  readonly exited: Promise<number | null>;
  #stderr = '';
  #waiters: Array<() => void> = [];

  constructor(config: WorkerConfig) {
    this.child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, FLEET_CONFIG: JSON.stringify(config) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        if (line.trim() === '') continue;
        this.events.push({ ...(JSON.parse(line) as WorkerEvent), receivedAt: Date.now() });
        for (const wake of this.#waiters.splice(0)) wake();
      }
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        for (const wake of this.#waiters.splice(0)) wake();
        resolve(code);
      });
    });
  }

  /** The first event of that kind, waiting for it at most `timeoutMs`. */
  async waitFor(event: WorkerEvent['event'], timeoutMs = 30_000): Promise<WorkerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === event);
      if (found !== undefined) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(
          `worker ${this.child.pid} gave no "${event}" (exit ${this.child.exitCode ?? this.child.signalCode}); stderr:\n${this.#stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends the start signal. */
  go(startAt = Date.now()): void {
    this.child.stdin?.write(`${JSON.stringify({ startAt })}\n`);
  }

  get stderr(): string {
    return this.#stderr;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
