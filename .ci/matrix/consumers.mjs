#!/usr/bin/env node
/**
 * Consumer checks: what a new user gets from the published packages. Packs every publishable
 * package (`pnpm pack`, as it would be published), then:
 *
 * - README install lines: each README's `npm install` lines, as written (our packages from the
 *   tarballs), in a fresh project with npm on Node 24: no `ERESOLVE`, no peer warning, `npm ls`
 *   clean, and a second `npm install` passes.
 * - README examples: for each example × framework version × ESM/CommonJS, an app outside the
 *   workspace installs the README's lines (the framework version pinned), gets the README's code
 *   blocks as they are, and compiles them with TypeScript 5.9 and 7 (`nodenext`,
 *   `skipLibCheck: false`); CommonJS apps also with TypeScript 5.9 and `module: commonjs` (`node10`
 *   resolution), Nest apps also with Nest's default tsconfig (`skipLibCheck: true`), where the
 *   `forRoot` options typed by `@auth/core/adapter` must compile and a typo must not. The compiled apps run on every Node version of the
 *   matrix against the emulators of the installed @auth/testing: each path answers 200 (JSON), a
 *   cold call then 20 concurrent ones, with one token request counted at the emulator.
 *
 * Usage: node .ci/matrix/consumers.mjs   (build first; MATRIX_NODE picks the Node versions,
 * MATRIX_ONLY the checks, e.g. `MATRIX_ONLY='^(nestjs|install undici)$'`)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  EMULATOR_PORTS,
  freshProject,
  getJson,
  inParallel,
  installArgs,
  NODE_VERSIONS,
  namedBlocks,
  nodeBinary,
  nodeVersionOf,
  packAll,
  recordCell,
  run,
  runAsync,
  selected,
  stop,
  WORK,
  waitForExit,
} from './lib.mjs';

const APP_URL = 'http://127.0.0.1:3000';
/** The Node major whose npm installs the README lines (what `npm install` picks depends on it). */
const INSTALL_NODE = '24';
/** npm installs at a time (they mostly wait on the registry and the disk). */
const PARALLEL_INSTALLS = 4;
/** Concurrent calls after the cold one; with it, they must cost one token request together. */
const CONCURRENT = 20;

/**
 * The README examples. `files`: the README's blocks named by their first line (`// server.ts`),
 * written as they are; `entry` runs; `paths` are fetched from the running app (a server example);
 * without `paths` the entry must exit 0 printing `200 ` first. `pins` replace the README's bare
 * package names (`koa` → `koa@2`); `minNode` skips older Node versions. `ownEmulators`: the example
 * starts its own, so the shared ones count nothing.
 */
const EXAMPLES = [
  {
    name: 'node',
    readme: 'packages/core/README.md',
    files: ['main.ts'],
    entry: 'main',
    ownEmulators: true,
    frameworks: [{ label: 'plain Node', pins: [] }],
  },
  {
    name: 'hono',
    readme: 'packages/hono/README.md',
    files: ['server.ts', 'worker.ts'],
    entry: 'server',
    paths: ['/devices'],
    frameworks: [{ label: 'hono 4', pins: ['hono@4'] }],
  },
  {
    name: 'koa',
    readme: 'packages/koa/README.md',
    files: ['clients.ts', 'server.ts'],
    entry: 'server',
    paths: ['/devices'],
    frameworks: [2, 3].map((major) => ({
      label: `koa ${major}`,
      pins: [`koa@${major}`, `@types/koa@${major}`],
    })),
  },
  {
    name: 'nestjs',
    readme: 'packages/nestjs/README.md',
    files: ['main.ts'],
    probe: 'options-typo.ts',
    entry: 'main',
    paths: ['/devices', '/devices/count'],
    frameworks: [11, 12].map((major) => ({
      label: `nestjs ${major}`,
      pins: ['common', 'core', 'platform-express'].map((p) => `@nestjs/${p}@${major}`),
    })),
  },
  {
    name: 'express',
    readme: 'packages/express/README.md',
    files: ['clients.ts', 'server.ts'],
    entry: 'server',
    paths: ['/devices'],
    frameworks: [{ label: 'express 5', pins: ['express@5', '@types/express@5'] }],
  },
  {
    name: 'fastify',
    readme: 'packages/fastify/README.md',
    files: ['clients.ts', 'server.ts'],
    entry: 'server',
    paths: ['/devices'],
    frameworks: [{ label: 'fastify 5', pins: ['fastify@5'] }],
  },
  {
    name: 'axios',
    readme: 'packages/axios/README.md',
    files: ['main.ts'],
    entry: 'main',
    modules: ['esm'], // top-level await
    frameworks: [{ label: 'axios 1', pins: ['axios@1'] }],
  },
  {
    name: 'undici',
    readme: 'packages/undici/README.md',
    files: ['main.ts'],
    entry: 'main',
    modules: ['esm'],
    frameworks: [
      { label: 'undici 7', pins: ['undici@7'] },
      { label: 'undici 8', pins: ['undici@8'], minNode: '22.19' }, // undici 8's engines
    ],
  },
  {
    name: 'opentelemetry',
    readme: 'packages/opentelemetry/README.md',
    files: ['main.ts'],
    entry: 'main',
    modules: ['esm'],
    frameworks: [{ label: 'OpenTelemetry SDK 2', pins: [] }],
  },
].filter((example) => selected(example.name));

/**
 * Compiled into the Nest apps, never run: options that come from `@auth/core/adapter`'s types
 * compile (they do not when that import fails to resolve), and a typo does not (it would if the
 * options had become `any`).
 */
const PROBES = {
  'options-typo.ts': `import { createAuthClients, presets } from '@auth/core';
import { AuthClientsModule } from '@auth/nestjs';

const clients = createAuthClients({
  alertsite: presets.alertsite({ username: 'u', password: 'p' }),
});

export const valid = AuthClientsModule.forRoot({
  clients,
  propagateHeaders: ['x-request-id', 'x-correlation-id'],
  isGlobal: true,
});

export const typo = AuthClientsModule.forRoot({
  clients,
  // @ts-expect-error: there is no option \`propagateHeader\` (it is \`propagateHeaders\`)
  propagateHeader: ['x-request-id'],
});
`,
};

const COMMON = {
  target: 'ES2023',
  strict: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  rootDir: 'src',
};
/**
 * How the apps are compiled. `run`: the output runs on every Node version; otherwise the compile
 * is the check. `modules` / `examples` restrict a setup to some apps.
 */
const COMPILES = [
  {
    ts: '5.9',
    label: '5.9',
    run: true,
    options: {
      ...COMMON,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      skipLibCheck: false,
      types: ['node'],
    },
  },
  {
    ts: '7',
    label: '7',
    run: true,
    options: {
      ...COMMON,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      skipLibCheck: false,
      types: ['node'],
    },
  },
  {
    ts: '5.9',
    label: '5.9, module commonjs (node10)',
    modules: ['cjs'],
    options: {
      ...COMMON,
      module: 'commonjs',
      esModuleInterop: true,
      skipLibCheck: false,
      types: ['node'],
    },
  },
  {
    ts: '5.9',
    label: "5.9, Nest's default tsconfig",
    modules: ['cjs'],
    examples: ['nestjs'],
    // What `nest new` writes (skipLibCheck: true), with `include` and `rootDir` added.
    options: {
      module: 'commonjs',
      declaration: true,
      removeComments: true,
      emitDecoratorMetadata: true,
      experimentalDecorators: true,
      allowSyntheticDefaultImports: true,
      target: 'ES2023',
      sourceMap: true,
      baseUrl: './',
      incremental: true,
      skipLibCheck: true,
      strictNullChecks: true,
      forceConsistentCasingInFileNames: true,
      noImplicitAny: false,
      strictBindCallApply: false,
      noFallthroughCasesInSwitch: false,
      rootDir: 'src',
    },
  },
];

function typescriptCompiler(version) {
  const prefix = path.join(WORK, `typescript-${version}`);
  run('npm', [
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    `typescript@${version}`,
  ]);
  return path.join(prefix, 'node_modules', 'typescript', 'bin', 'tsc');
}

/** npm's status and output for one command, run by the `node` at `node`. */
function npm(args, cwd, node) {
  return runAsync('npm', args, {
    cwd,
    env: { ...process.env, PATH: `${path.dirname(node)}:${process.env.PATH}` },
  });
}

/**
 * Installs each README's lines as written, in a fresh project, with npm on INSTALL_NODE: fails
 * on an error, on `ERESOLVE` or a peer warning, when `npm ls` finds a problem, or when a second
 * `npm install` fails. Returns the cells.
 */
async function checkReadmeInstalls(tarballs) {
  const node = nodeBinary(INSTALL_NODE);
  const exact = nodeVersionOf(node);
  return inParallel(EXAMPLES, PARALLEL_INSTALLS, async (example) => {
    const lines = installArgs(example.readme, tarballs);
    const dir = freshProject(`install-${example.name}`, 'module');
    const problems = [];
    if (lines.length === 0) problems.push('the README has no `npm install` line');
    for (const args of lines) {
      const { status, output } = await npm(
        ['install', '--no-audit', '--no-fund', ...args],
        dir,
        node,
      );
      const warnings = output.split('\n').filter((l) => /ERESOLVE|\bpeer\b/i.test(l));
      if (status !== 0 || warnings.length > 0) {
        problems.push(`npm install ${args.join(' ')} (exit ${status}):\n${output.trim()}`);
      }
    }
    if (problems.length === 0) {
      for (const args of [['ls'], ['install', '--no-audit', '--no-fund']]) {
        const { status, output } = await npm(args, dir, node);
        if (status !== 0)
          problems.push(`npm ${args.join(' ')} (exit ${status}):\n${output.trim()}`);
      }
    }
    for (const problem of problems) console.log(`  ✖ ${example.readme}: ${problem}`);
    return {
      kind: `README install: ${example.name}`,
      node: exact,
      frameworks: 'npm',
      typescript: '—',
      module: '—',
      tests:
        problems.length === 0
          ? 'no ERESOLVE or peer warning; npm ls and a 2nd install pass'
          : 'npm install FAILED',
      ok: problems.length === 0,
    };
  });
}

/**
 * Creates, installs and compiles one app per example × framework × module (installs and
 * compiles in parallel). Returns the apps to run and the cells of what is only compiled.
 */
async function buildApps(tarballs) {
  const compilers = Object.fromEntries(
    [...new Set(COMPILES.map((c) => c.ts))].map((v) => [v, typescriptCompiler(v)]),
  );
  const jobs = [];
  const failedCells = [];
  for (const example of EXAMPLES) {
    const blocks = namedBlocks(example.readme);
    const missing = example.files.filter((file) => !blocks.has(file));
    for (const framework of example.frameworks) {
      for (const module of example.modules ?? ['esm', 'cjs']) {
        const name = `${example.name}-${framework.label.replace(/\W+/g, '')}-${module}`;
        const cell = {
          kind: `README example: ${example.name}`,
          frameworks: framework.label,
          module: module.toUpperCase(),
        };
        if (missing.length > 0) {
          console.log(
            `  ✖ ${example.readme}: no block starting with "// ${missing.join('", "// ')}"`,
          );
          failedCells.push({ ...cell, node: '—', typescript: '—', tests: 'no example', ok: false });
          continue;
        }
        const dir = freshProject(name, module === 'esm' ? 'module' : 'commonjs');
        for (const file of example.files)
          writeFileSync(path.join(dir, 'src', file), blocks.get(file));
        if (example.probe)
          writeFileSync(path.join(dir, 'src', example.probe), PROBES[example.probe]);
        jobs.push({ example, framework, module, name, dir, cell });
      }
    }
  }
  const installed = await inParallel(jobs, PARALLEL_INSTALLS, async (job) => {
    console.log(`▶ ${job.name}: npm install`);
    // All of the README's lines in one npm run (whether a package is a dev one does not matter
    // to the app): one resolution instead of one per line.
    const args = installArgs(job.example.readme, tarballs, job.framework.pins)
      .flat()
      .filter((arg) => arg !== '--save-dev');
    const npmArgs = ['install', '--no-audit', '--no-fund', '--loglevel=error', ...args];
    const { status, output } = await runAsync('npm', npmArgs, { cwd: job.dir });
    if (status === 0) return true;
    console.log(`  ✖ ${job.name}: npm install (exit ${status}):\n${output.trim()}`);
    failedCells.push({
      ...job.cell,
      node: '—',
      typescript: '—',
      tests: 'npm install FAILED',
      ok: false,
    });
    return false;
  });
  const compiles = jobs
    .filter((_, i) => installed[i])
    .flatMap((job) =>
      COMPILES.filter(
        (c) =>
          (c.modules === undefined || c.modules.includes(job.module)) &&
          (c.examples === undefined || c.examples.includes(job.example.name)),
      ).map((compile) => ({ job, compile })),
    );
  const results = await inParallel(compiles, availableParallelism(), async ({ job, compile }) => {
    const id = compile.label.replace(/\W+/g, '');
    const outDir = `dist-${id}`;
    const tsconfig = { compilerOptions: { ...compile.options, outDir }, include: ['src'] };
    const file = `tsconfig.${id}.json`;
    writeFileSync(path.join(job.dir, file), `${JSON.stringify(tsconfig, null, 2)}\n`);
    const tsc = await runAsync(process.execPath, [compilers[compile.ts], '-p', file], {
      cwd: job.dir,
    });
    const compiled = tsc.status === 0;
    if (!compiled)
      console.log(`  ✖ ${job.name}, TypeScript ${compile.label}:\n${tsc.output.trim()}`);
    const skipLibCheck = compile.options.skipLibCheck ? 'skipLibCheck' : 'no skipLibCheck';
    if (compile.run && compiled) {
      const typescript = `${compile.label} (${compile.options.module})`;
      return { app: { ...job, outDir, typescript, skipLibCheck } };
    }
    const probe = job.example.probe ? ', options checked, typo rejected' : '';
    return {
      cell: {
        ...job.cell,
        node: 'tsc',
        typescript: compile.label,
        tests: compiled ? `compiled (${skipLibCheck}${probe})` : 'did not compile',
        ok: compiled,
      },
    };
  });
  return {
    apps: results.flatMap((r) => (r.app ? [r.app] : [])),
    compileCells: [...failedCells, ...results.flatMap((r) => (r.cell ? [r.cell] : []))],
  };
}

/**
 * Runs one compiled app on one Node binary. A server: each path once (the first one cold), then
 * CONCURRENT calls of the first path at once, all 200 with JSON. A script: exit 0, `200 ` first.
 * Returns what held; throws on the first failure.
 */
async function runApp(app, node, emulators) {
  for (const emulator of emulators.all) emulator.resetStats();
  const entry = path.join(app.dir, app.outDir, `${app.example.entry}.js`);
  const child = spawn(node, [entry], {
    cwd: app.dir,
    detached: true, // its own process group, for stop()
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => {
    output += c;
  });
  child.stderr.on('data', (c) => {
    output += c;
  });
  let calls;
  try {
    if (app.example.paths === undefined) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await waitForExit(child);
      clearTimeout(timer);
      if (code !== 0 || !output.startsWith('200 ')) throw new Error(`exit ${code}:\n${output}`);
    } else {
      const deadline = Date.now() + 30_000;
      const check = ({ status, body }, p) => {
        if (status !== 200 || body === null || typeof body !== 'object') {
          throw new Error(`GET ${p}: ${status} ${JSON.stringify(body)}\n${output}`);
        }
      };
      for (const p of app.example.paths) {
        check(await getJson(`${APP_URL}${p}`, deadline, child), p);
      }
      const [first] = app.example.paths;
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, () => getJson(`${APP_URL}${first}`, deadline)),
      );
      for (const answer of answers) check(answer, first);
      calls = app.example.paths.length + CONCURRENT;
    }
  } finally {
    await stop(child);
  }
  const ran = calls === undefined ? 'printed 200' : `${calls} calls: 200`;
  if (app.example.ownEmulators) return ran;
  const tokens = emulators.alertsite.stats.tokenRequests;
  if (tokens !== 1) throw new Error(`${ran}, but ${tokens} token requests (expected 1)`);
  return `${ran}, 1 token request`;
}

const started = performance.now();
const tarballs = packAll();
const [installCells, { apps, compileCells }] = await Promise.all([
  checkReadmeInstalls(tarballs),
  buildApps(tarballs),
]);
let failed = 0;
for (const cell of [...installCells, ...compileCells]) {
  recordCell(cell);
  if (!cell.ok) failed++;
}
const nodes = NODE_VERSIONS.map((version) => {
  const binary = nodeBinary(version);
  return { version, binary, exact: nodeVersionOf(binary) };
});
// The emulators the apps call, from the packed @auth/testing (installed on its own: an example
// whose README forgets it still gets them).
const emulatorsDir = path.join(WORK, 'emulators');
rmSync(emulatorsDir, { recursive: true, force: true });
mkdirSync(emulatorsDir, { recursive: true });
writeFileSync(path.join(emulatorsDir, 'package.json'), '{ "private": true }\n');
run(
  'npm',
  ['install', '--no-audit', '--no-fund', '--loglevel=error', tarballs.get('@auth/testing')],
  {
    cwd: emulatorsDir,
  },
);
const { startEmulators } = await import(
  pathToFileURL(path.join(emulatorsDir, 'node_modules/@auth/testing/dist/index.js')).href
);
const emulators = await startEmulators({ ports: EMULATOR_PORTS });
try {
  for (const { exact, binary } of nodes) {
    let ran = 0;
    for (const app of apps) {
      const { minNode } = app.framework;
      if (minNode !== undefined && compareVersions(exact, minNode) < 0) continue;
      let ok = true;
      let tests;
      try {
        tests = `compiled (${app.skipLibCheck}), ${await runApp(app, binary, emulators)}`;
      } catch (error) {
        ok = false;
        tests = 'compiled, run FAILED';
        console.log(
          `  ✖ ${app.example.name} ${app.framework.label} ${app.module} TS ${app.typescript} on Node ${exact}: ${error.message}`,
        );
      }
      ran++;
      if (!ok) failed++;
      recordCell({ ...app.cell, node: exact, typescript: app.typescript, tests, ok });
    }
    console.log(`  Node ${exact}: ${ran} consumer apps run`);
  }
} finally {
  await emulators.close();
}
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(
  failed === 0
    ? `✔ consumer checks hold (${seconds} s)`
    : `✖ ${failed} consumer cell(s) failed (${seconds} s)`,
);
process.exit(failed === 0 ? 0 : 1);

/** Compares dotted versions numerically: negative when `a` is older. */
function compareVersions(a, b) {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
