#!/usr/bin/env node
/**
 * The Hono README's `worker.ts` on the other runtimes it names: Bun, Deno and Cloudflare's
 * workerd (`wrangler dev`), each installed from the npm registry into the matrix folder, never into
 * the workspace. The app installs the README's lines (our packages from the tarballs) and runs with
 * the README's command for each runtime; a client calls it against the emulators of the installed
 * @auth/testing: one cold call, then 20 concurrent ones, all 200 with JSON, one token request
 * counted at the emulator, and no warning or error in the runtime's output (on Deno, not the
 * legacy `request.signal` one).
 *
 * Each run happens in a network namespace of its own with only loopback (`unshare --net`):
 * nothing reaches the network, so `wrangler dev`'s `Request.cf` fetch fails at once rather than
 * hanging, and no runtime can depend on anything but the npm registry of the install step.
 *
 * Usage: node .ci/matrix/runtimes.mjs   (build first; reuses the tarballs of consumers.mjs when
 * it ran before in the same MATRIX_DIR; MATRIX_ONLY picks runtimes: `bun`, `deno`, `workerd`)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  EMULATOR_PORTS,
  freshProject,
  getJson,
  installArgs,
  namedBlocks,
  packAll,
  recordCell,
  run,
  selected,
  stop,
  WORK,
} from './lib.mjs';

const README = 'packages/hono/README.md';
const APP_URL = 'http://127.0.0.1:3000/devices';
const CONCURRENT = 20;
const RUNTIMES_DIR = path.join(WORK, 'runtimes');
const bin = (name) => path.join(RUNTIMES_DIR, 'node_modules', '.bin', name);

/** Each runtime: its npm package, its version line, and the README's command to serve worker.ts. */
const RUNTIMES = [
  {
    name: 'bun',
    package: 'bun@1',
    version: () => `Bun ${run(bin('bun'), ['--version']).trim()}`,
    command: () => [bin('bun'), ['run', 'src/worker.ts']],
  },
  {
    name: 'deno',
    package: 'deno@2',
    version: () =>
      run(bin('deno'), ['--version'])
        .split('\n')[0]
        .replace(/^deno (\S+).*/, 'Deno $1'),
    command: () => [
      bin('deno'),
      [
        'serve',
        '--allow-net',
        '--allow-env',
        '--unstable-no-legacy-abort',
        '--port',
        '3000',
        'src/worker.ts',
      ],
    ],
  },
  {
    name: 'workerd',
    package: 'wrangler@4',
    version: () =>
      `workerd (wrangler ${run(bin('wrangler'), ['--version']).trim().split('\n').pop()})`,
    command: () => [bin('wrangler'), ['dev', '--port', '3000', '--ip', '127.0.0.1']],
  },
].filter((runtime) => selected(runtime.name));

/**
 * Lines a clean run never prints: Deno's legacy-signal warning, uncaught errors, wrangler's
 * `[ERROR]`. (Offline, wrangler warns that it could not fetch `Request.cf`: expected here.)
 */
const BAD_OUTPUT = /legacy behavior|ReferenceError|TypeError|Uncaught|\[ERROR\]/;

if (process.argv[2] === '--cell') {
  const { runtime, appDir } = JSON.parse(process.argv[3]);
  console.log(`CELL ${JSON.stringify(await runCell(runtime, appDir))}`);
  process.exit(0);
}

/** Inside the namespace: emulators, the runtime serving worker.ts, the calls. */
async function runCell(name, appDir) {
  const { startEmulators } = await import(
    pathToFileURL(path.join(appDir, 'node_modules/@auth/testing/dist/index.js')).href
  );
  const emulators = await startEmulators({ ports: EMULATOR_PORTS });
  const [command, args] = RUNTIMES.find((r) => r.name === name).command();
  const child = spawn(command, args, {
    cwd: appDir,
    detached: true, // its own process group: wrangler's workerd stops with it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  let output = '';
  child.stdout.on('data', (c) => {
    output += c;
  });
  child.stderr.on('data', (c) => {
    output += c;
  });
  try {
    const deadline = Date.now() + 90_000;
    const cold = await getJson(APP_URL, deadline, child);
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, () => getJson(APP_URL, deadline, child)),
    );
    const all = [cold, ...answers];
    const tokens = emulators.alertsite.stats.tokenRequests;
    const problems = [];
    if (all.some((a) => a.status !== 200)) {
      problems.push(`statuses ${all.map((a) => a.status).join(',')}`);
    }
    if (all.some((a) => a.body === null || typeof a.body !== 'object')) {
      problems.push('a body was not a JSON object');
    }
    if (tokens !== 1) problems.push(`${tokens} token requests`);
    await stop(child);
    const bad = output.split('\n').filter((line) => BAD_OUTPUT.test(line));
    if (bad.length > 0) problems.push(`printed:\n${bad.join('\n')}`);
    return {
      ok: problems.length === 0,
      tests:
        problems.length === 0
          ? `1 cold + ${CONCURRENT} concurrent calls: 200, 1 token request`
          : `FAILED: ${problems.join('; ')}`,
      output: problems.length === 0 ? '' : output,
    };
  } catch (error) {
    await stop(child);
    return { ok: false, tests: `FAILED: ${error.message}`, output };
  } finally {
    await emulators.close();
  }
}

// The parent: installs (the npm registry is the only network used), then one namespace per cell.
let failed = 0;
if (RUNTIMES.length > 0) {
  rmSync(RUNTIMES_DIR, { recursive: true, force: true });
  mkdirSync(RUNTIMES_DIR, { recursive: true });
  writeFileSync(path.join(RUNTIMES_DIR, 'package.json'), '{ "private": true }\n');
  console.log(`▶ runtimes: npm install ${RUNTIMES.map((r) => r.package).join(' ')}`);
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...RUNTIMES.map((r) => r.package)],
    {
      cwd: RUNTIMES_DIR,
    },
  );

  const tarballs = packAll({ reuse: true });
  const appDir = freshProject('hono-runtimes', 'module');
  const blocks = namedBlocks(README);
  for (const [file, target] of [
    ['worker.ts', 'src/worker.ts'],
    ['wrangler.toml', 'wrangler.toml'],
  ]) {
    if (!blocks.has(file)) throw new Error(`${README}: no block starting with the name ${file}`);
    writeFileSync(path.join(appDir, target), blocks.get(file));
  }
  for (const args of installArgs(README, tarballs)) {
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...args], {
      cwd: appDir,
    });
  }
  const hono = JSON.parse(
    readFileSync(path.join(appDir, 'node_modules/hono/package.json'), 'utf8'),
  );

  for (const runtime of RUNTIMES) {
    const version = runtime.version();
    console.log(`▶ ${version}: the Hono README's worker.ts`);
    const result = spawnSync(
      'unshare',
      [
        '--net',
        '--map-root-user', // a user namespace too: works without root where those are allowed
        'sh',
        '-c',
        'ip link set lo up && exec "$0" "$@"',
        process.execPath,
        fileURLToPath(import.meta.url),
        '--cell',
        JSON.stringify({ runtime: runtime.name, appDir }),
      ],
      { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 180_000 },
    );
    const line = (result.stdout ?? '').split('\n').find((l) => l.startsWith('CELL '));
    const cell = line
      ? JSON.parse(line.slice(5))
      : {
          ok: false,
          tests: 'FAILED: no result',
          output: `${result.error?.message ?? ''}${result.stdout ?? ''}${result.stderr ?? ''}`,
        };
    console.log(`  ${cell.ok ? '✔' : '✖'} ${version}: ${cell.tests}`);
    if (!cell.ok) {
      failed++;
      console.log(cell.output);
    }
    recordCell({
      kind: 'README example: hono worker.ts',
      node: version,
      frameworks: `hono ${hono.version}`,
      typescript: '— (runs the .ts)',
      module: 'ESM',
      tests: cell.tests,
      ok: cell.ok,
    });
  }
}
process.exit(failed === 0 ? 0 : 1);
