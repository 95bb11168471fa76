#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
/**
 * The library suites (every publishable package under packages/*) on each Node version of the
 * matrix, with the frameworks of the lockfile. Vitest runs under the Node binary of the cell (its
 * workers and the processes the tests spawn inherit it). One cell per version, with its test count.
 *
 * Usage: node .ci/matrix/library-suites.mjs [version...]   (default: MATRIX_NODE or 20.19 22 24 26)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  NODE_VERSIONS,
  nodeBinary,
  nodeVersionOf,
  publishablePackages,
  ROOT,
  recordCell,
  WORK,
} from './lib.mjs';

/** Frameworks worth naming in a cell, when a package has one as a peer dependency. */
const FRAMEWORKS = ['@nestjs/core', 'koa', 'hono', 'express', 'fastify', 'axios', 'undici'];

const packages = publishablePackages().filter(({ dir }) =>
  existsSync(path.join(dir, 'vitest.config.ts')),
);
const projects = packages.map(({ manifest }) => manifest.name);

function installedFrameworks() {
  const found = new Map();
  for (const { dir, manifest } of packages) {
    for (const name of Object.keys(manifest.peerDependencies ?? {})) {
      if (!FRAMEWORKS.includes(name) || found.has(name)) continue;
      const file = path.join(dir, 'node_modules', name, 'package.json');
      if (existsSync(file)) found.set(name, JSON.parse(readFileSync(file, 'utf8')).version);
    }
  }
  return [...found]
    .map(([name, version]) => `${name.replace('@nestjs/core', 'nestjs')} ${version}`)
    .join(', ');
}

const versions = process.argv.slice(2).length > 0 ? process.argv.slice(2) : NODE_VERSIONS;
const frameworks = installedFrameworks();
let failed = false;
for (const version of versions) {
  const node = nodeBinary(version);
  const exact = nodeVersionOf(node);
  const report = path.join(WORK, `library-node-${version}.json`);
  const started = performance.now();
  console.log(`▶ library suites (${projects.join(', ')}) on Node ${exact}`);
  const args = [
    path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
    'run',
    ...projects.flatMap((p) => ['--project', p]),
  ];
  const result = spawnSync(
    node,
    [...args, '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATH: `${path.dirname(node)}:${process.env.PATH}` },
    },
  );
  const json = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined;
  const ok = result.status === 0 && json !== undefined && json.numFailedTests === 0;
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const tests = json
    ? `${json.numPassedTests} passed, ${json.numPendingTests + json.numTodoTests} skipped, ${json.numFailedTests} failed`
    : 'no report';
  console.log(`  ${ok ? '✔' : '✖'} Node ${exact}: ${tests} (${seconds} s)`);
  if (!ok && json) {
    for (const file of json.testResults) {
      for (const test of file.assertionResults.filter((t) => t.status === 'failed')) {
        console.log(
          `    ✖ ${path.relative(ROOT, file.name)} > ${test.fullName}\n      ${(test.failureMessages[0] ?? '').split('\n')[0]}`,
        );
      }
      if (file.status === 'failed' && file.assertionResults.length === 0)
        console.log(`    ✖ ${path.relative(ROOT, file.name)}: ${file.message}`);
    }
  }
  recordCell({
    kind: 'library suites',
    node: exact,
    frameworks,
    typescript: 'vitest (sources)',
    module: 'ESM',
    tests,
    ok,
  });
  failed ||= !ok;
}
process.exit(failed ? 1 : 0);
