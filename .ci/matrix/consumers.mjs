#!/usr/bin/env node
/**
 * Consumer checks: what a new user gets from the published packages. Packs every publishable
 * package (`pnpm pack`, as it would be published), then for each README example (plain Node,
 * Hono, Koa 2 and 3, NestJS 11 and 12) builds an app outside the workspace that installs the
 * tarballs with npm (third-party packages from the registry by name), in ESM and in CommonJS,
 * writes the README's code blocks into it as they are, compiles them with TypeScript 5.9 and 7,
 * and runs the result on every Node version of the matrix against the `auth-emulators` command of
 * the installed @auth/testing, checking the HTTP answers.
 *
 * Usage: node .ci/matrix/consumers.mjs   (build first; MATRIX_NODE picks the Node versions)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  NODE_VERSIONS,
  nodeBinary,
  nodeVersionOf,
  publishablePackages,
  ROOT,
  recordCell,
  run,
  WORK,
} from './lib.mjs';

const TYPESCRIPT = ['5.9', '7'];
const MODULES = ['esm', 'cjs'];
const APP_URL = 'http://127.0.0.1:3000';
const EMULATOR_PORT_BASE = '4101';

/**
 * The README examples and what a user installs next to them. `files`: the README's blocks named
 * by their first line (`// server.ts`), written as they are; `entry` runs; `paths` are fetched
 * from the running app (a server example) and must answer 200 with JSON; without `paths` the
 * entry must exit 0 printing `200` first.
 */
const EXAMPLES = [
  {
    name: 'node',
    readme: 'packages/core/README.md',
    files: ['main.ts'],
    entry: 'main',
    packages: [],
    frameworks: [{ label: 'plain Node', deps: [] }],
  },
  {
    name: 'hono',
    readme: 'packages/hono/README.md',
    files: ['server.ts'],
    entry: 'server',
    packages: ['@auth/hono'],
    paths: ['/devices'],
    frameworks: [{ label: 'hono 4', deps: ['hono@4', '@hono/node-server'] }],
  },
  {
    name: 'koa',
    readme: 'packages/koa/README.md',
    files: ['clients.ts', 'server.ts'],
    entry: 'server',
    packages: ['@auth/koa'],
    paths: ['/devices'],
    frameworks: [
      { label: 'koa 2', deps: ['koa@2', '@types/koa@2'] },
      { label: 'koa 3', deps: ['koa@3', '@types/koa@3'] },
    ],
  },
  {
    name: 'nestjs',
    readme: 'packages/nestjs/README.md',
    files: ['main.ts'],
    entry: 'main',
    packages: ['@auth/nestjs'],
    paths: ['/devices', '/devices/count'],
    frameworks: [11, 12].map((major) => ({
      label: `nestjs ${major}`,
      deps: ['common', 'core', 'platform-express']
        .map((p) => `@nestjs/${p}@${major}`)
        .concat('reflect-metadata', 'rxjs'),
    })),
  },
];

/** The code blocks of a README whose first line names a file (`// server.ts — ...`). */
function namedBlocks(readme) {
  const text = readFileSync(path.join(ROOT, readme), 'utf8');
  const blocks = new Map();
  for (const match of text.matchAll(/^```ts\n(\/\/ ([\w.-]+\.ts)\b[^\n]*\n[\s\S]*?)^```$/gm)) {
    blocks.set(match[2], match[1]);
  }
  return blocks;
}

function tsconfig() {
  return {
    compilerOptions: {
      target: 'ES2023',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      skipLibCheck: true,
      types: ['node'],
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  };
}

function packAll() {
  const dir = path.join(WORK, 'tarballs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tarballs = new Map();
  for (const { dir: pkg, manifest } of publishablePackages()) {
    run('pnpm', ['pack', '--pack-destination', dir], { cwd: pkg });
    const file = readdirSync(dir).find((f) =>
      f.startsWith(manifest.name.replace('@', '').replace('/', '-')),
    );
    tarballs.set(manifest.name, path.join(dir, file));
  }
  return tarballs;
}

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

/** Creates, installs and compiles one app per example × framework × module × TypeScript. */
function buildApps(tarballs) {
  const compilers = Object.fromEntries(TYPESCRIPT.map((v) => [v, typescriptCompiler(v)]));
  const apps = [];
  for (const example of EXAMPLES) {
    const blocks = namedBlocks(example.readme);
    for (const framework of example.frameworks) {
      for (const module of MODULES) {
        const dir = path.join(
          WORK,
          'apps',
          `${example.name}-${framework.label.replace(/\W+/g, '')}-${module}`,
        );
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(path.join(dir, 'src'), { recursive: true });
        const type = module === 'esm' ? 'module' : 'commonjs';
        writeFileSync(
          path.join(dir, 'package.json'),
          `${JSON.stringify({ name: `consumer-${example.name}`, private: true, type }, null, 2)}\n`,
        );
        for (const file of example.files) {
          const code = blocks.get(file);
          if (code === undefined)
            throw new Error(`${example.readme}: no \`\`\`ts block starting with "// ${file}"`);
          writeFileSync(path.join(dir, 'src', file), code);
        }
        const own = ['@auth/core', ...example.packages].map((name) => tarballs.get(name));
        console.log(`▶ ${example.name} (${framework.label}, ${module.toUpperCase()}): npm install`);
        run(
          'npm',
          ['install', '--no-audit', '--no-fund', '--loglevel=error', ...own, ...framework.deps],
          { cwd: dir },
        );
        run(
          'npm',
          [
            'install',
            '--save-dev',
            '--no-audit',
            '--no-fund',
            '--loglevel=error',
            tarballs.get('@auth/testing'),
            '@types/node@20',
          ],
          { cwd: dir },
        );
        for (const ts of TYPESCRIPT) {
          writeFileSync(
            path.join(dir, 'tsconfig.json'),
            `${JSON.stringify(tsconfig(), null, 2)}\n`,
          );
          rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
          const outDir = `dist-ts${ts}`;
          let compiled = true;
          try {
            run(process.execPath, [compilers[ts], '-p', 'tsconfig.json', '--outDir', outDir], {
              cwd: dir,
            });
          } catch (error) {
            compiled = false;
            console.log(`  ✖ TypeScript ${ts}: ${error.message}`);
          }
          apps.push({ example, framework, module, ts, dir, outDir, compiled });
        }
      }
    }
  }
  return apps;
}

function waitForLine(child, pattern, timeoutMs) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}:\n${seen}`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      seen += chunk;
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      seen += chunk;
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before ${pattern}:\n${seen}`)));
  });
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function fetchJson(url, deadline) {
  for (;;) {
    try {
      const res = await fetch(url);
      const body = await res.json();
      return { status: res.status, body };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Runs one compiled app on one Node binary; returns the number of checks that held. */
async function runApp(app, node) {
  const entry = path.join(app.dir, app.outDir, `${app.example.entry}.js`);
  const child = spawn(node, [entry], { cwd: app.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => {
    output += c;
  });
  child.stderr.on('data', (c) => {
    output += c;
  });
  try {
    if (app.example.paths === undefined) {
      const code = await new Promise((resolve) => child.once('exit', resolve));
      if (code !== 0 || !output.startsWith('200 ')) throw new Error(`exit ${code}:\n${output}`);
      return 1;
    }
    let checks = 0;
    const deadline = Date.now() + 30_000;
    for (const p of app.example.paths) {
      const { status, body } = await fetchJson(`${APP_URL}${p}`, deadline);
      if (status !== 200 || body === null || typeof body !== 'object') {
        throw new Error(`GET ${p}: ${status} ${JSON.stringify(body)}\n${output}`);
      }
      checks++;
    }
    return checks;
  } finally {
    await stop(child);
  }
}

const tarballs = packAll();
console.log(`packed: ${[...tarballs.values()].map((f) => path.basename(f)).join(', ')}`);
const apps = buildApps(tarballs);
const withTesting = apps.find((a) => a.example.name === 'koa') ?? apps[0];
const emulators = spawn(
  process.execPath,
  [
    path.join(withTesting.dir, 'node_modules/@auth/testing/bin/auth-emulators.js'),
    '--port-base',
    EMULATOR_PORT_BASE,
  ],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
let failed = 0;
try {
  await waitForLine(emulators, /Emulators running/, 20_000);
  for (const version of NODE_VERSIONS) {
    const node = nodeBinary(version);
    const exact = nodeVersionOf(node);
    for (const app of apps) {
      const cell = {
        kind: `README example: ${app.example.name}`,
        node: exact,
        frameworks: app.framework.label,
        typescript: app.ts,
        module: app.module.toUpperCase(),
      };
      let ok = app.compiled;
      let tests = app.compiled ? 'compiled' : 'did not compile';
      if (app.compiled) {
        try {
          const checks = await runApp(app, node);
          tests = `compiled, ${checks} HTTP check(s) held`;
        } catch (error) {
          ok = false;
          tests = 'compiled, run FAILED';
          console.log(
            `  ✖ ${app.example.name} ${app.framework.label} ${app.module} TS ${app.ts} on Node ${exact}: ${error.message}`,
          );
        }
      }
      if (!ok) failed++;
      recordCell({ ...cell, tests, ok });
    }
    console.log(`  Node ${exact}: ${apps.length} consumer apps run`);
  }
} finally {
  await stop(emulators);
}
console.log(failed === 0 ? '✔ consumer checks hold' : `✖ ${failed} consumer cell(s) failed`);
process.exit(failed === 0 ? 0 : 1);
