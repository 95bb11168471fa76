// Scenarios 7–9: what users feel before the hot path. Whole-process figures from several fresh
// processes per contender, interleaved, median reported (DESIGN §15).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runNode } from './children.mjs';
import { median, round } from './load.mjs';
import { opsrampTarget, rotate } from './targets.mjs';

/**
 * `runs` fresh processes of each variant (`{ key: args of startup-probe.mjs }`), interleaved (the
 * first variant rotating each run) after one untimed run each (file cache warm). Resolves with
 * `{ key: [{ wallMs, ...probe output }] }`.
 */
async function probeRuns(variants, runs) {
  const keys = Object.keys(variants);
  for (const key of keys) await runNode('startup-probe.mjs', variants[key]);
  const out = Object.fromEntries(keys.map((key) => [key, []]));
  for (let r = 0; r < runs; r++) {
    for (const key of rotate(keys, r)) {
      const { stdout, wallMs } = await runNode('startup-probe.mjs', variants[key]);
      out[key].push({ wallMs, ...JSON.parse(stdout) });
    }
  }
  return out;
}

const medianOf = (runs, field) => round(median(runs.map((x) => x[field])), 1);

// 7 ─ import time ───────────────────────────────────────────────────────────────────────────────
export const IMPORTED = ['@auth/core', 'openid-client'];

export async function importTime(ctx) {
  const cfg = { runs: ctx.quick ? 3 : 15 };
  const variants = {
    bare: ['bare'],
    ...Object.fromEntries(IMPORTED.map((spec) => [spec, ['import', spec]])),
  };
  const runs = await probeRuns(variants, cfg.runs);
  const bareMs = medianOf(runs.bare, 'wallMs');
  const modules = {};
  for (const spec of IMPORTED) {
    const wallMs = medianOf(runs[spec], 'wallMs');
    modules[spec] = {
      wallMs,
      overBareMs: round(wallMs - bareMs, 1),
      importMs: medianOf(runs[spec], 'importMs'),
    };
    ctx.log(
      `  ${spec.padEnd(14)} process ${wallMs} ms (bare node ${bareMs} ms): +${modules[spec].overBareMs} ms; await import() ${modules[spec].importMs} ms`,
    );
  }
  // The target reads the time inside the process: on a busy machine the whole-process times of
  // fresh processes spread over tens of ms, the import itself much less.
  const ours = modules['@auth/core'].importMs;
  const limit = round(modules['openid-client'].importMs + 15, 1);
  return {
    config: cfg,
    bareMs,
    modules,
    runs,
    targets: [
      {
        label: `import time (\`await import()\` in a fresh node): @auth/core (openid-client: ${modules['openid-client'].importMs} ms), median of ${cfg.runs} processes`,
        goal: `≤ openid-client's + 15 ms (${limit} ms)`,
        value: `${ours} ms`,
        met: ours <= limit,
      },
    ],
  };
}

// 8 ─ first authenticated call ──────────────────────────────────────────────────────────────────
export async function firstCall(ctx) {
  const cfg = { runs: ctx.quick ? 3 : 9 };
  const upstream = await ctx.upstream('long');
  const target = JSON.stringify(opsrampTarget(upstream.info));
  await upstream.reset();
  const runs = await probeRuns(
    {
      bare: ['bare'],
      ours: ['first-call', 'ours', target],
      openid: ['first-call', 'openid', target],
    },
    cfg.runs,
  );
  const tokenRequests = (await upstream.stats()).opsramp.tokenRequests;
  const bareMs = medianOf(runs.bare, 'wallMs');
  const contenders = {};
  for (const id of ['ours', 'openid']) {
    const failed = runs[id].filter((x) => x.status !== 200).length;
    contenders[id] = {
      firstCallMs: medianOf(runs[id], 'firstCallMs'),
      importMs: medianOf(runs[id], 'importMs'),
      wallMs: medianOf(runs[id], 'wallMs'),
      failed,
    };
    ctx.log(
      `  ${id.padEnd(6)} first call done ${contenders[id].firstCallMs} ms after process start (import ${contenders[id].importMs} ms; process ${contenders[id].wallMs} ms, bare node ${bareMs} ms), ${failed} failed`,
    );
  }
  ctx.log(`  token requests at the emulator: ${tokenRequests} (one per process)`);
  const { ours, openid } = contenders;
  return {
    config: cfg,
    bareMs,
    contenders,
    tokenRequests,
    runs,
    targets: [
      {
        label: `first authenticated call from a fresh process, ms after its start (openid-client grant + fetch: ${openid.firstCallMs} ms)`,
        goal: 'measured, 0 failed',
        value: `${ours.firstCallMs} ms`,
        met: ours.failed === 0 && openid.failed === 0,
      },
    ],
  };
}

// 9 ─ Workers bundle ────────────────────────────────────────────────────────────────────────────
const workerEntry = (name) => fileURLToPath(new URL(`../worker/${name}.mjs`, import.meta.url));

/** The package a bundled input file belongs to (`hono`, `@auth/core`, ... or `app`). */
function packageOf(path) {
  if (path.includes('packages/core/')) return '@auth/core';
  const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path);
  return m ? m[1] : 'app';
}

/** esbuild bundle of `entry` as a Worker would be bundled: ESM, minified; gzip size. */
async function bundle(esbuild, entry) {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const [output] = Object.values(result.metafile.outputs);
  const byPackage = {};
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(path);
    byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
  }
  const files = Object.entries(output.inputs)
    .filter(([path]) => packageOf(path) === '@auth/core')
    .map(([path, { bytesInOutput }]) => [path.replace(/^.*packages\/core\//, ''), bytesInOutput])
    .sort((a, b) => b[1] - a[1]);
  return {
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    byPackage,
    coreFiles: Object.fromEntries(files),
  };
}

export async function workerBundle(ctx) {
  const esbuild = await import('esbuild');
  const withAuth = await bundle(esbuild, workerEntry('with-auth'));
  const withoutAuth = await bundle(esbuild, workerEntry('without-auth'));
  const kib = (bytes) => round(bytes / 1024, 1);
  const addedGzipKiB = kib(withAuth.gzipBytes - withoutAuth.gzipBytes);
  const addedMinifiedKiB = kib(withAuth.minifiedBytes - withoutAuth.minifiedBytes);
  const esbuildVersion = JSON.parse(
    readFileSync(new URL('../node_modules/esbuild/package.json', import.meta.url), 'utf8'),
  ).version;
  ctx.log(
    `  with auth ${kib(withAuth.gzipBytes)} KiB gzip (${kib(withAuth.minifiedBytes)} KiB minified), without ${kib(withoutAuth.gzipBytes)} KiB gzip: auth adds ${addedGzipKiB} KiB gzip (${addedMinifiedKiB} KiB minified)`,
  );
  ctx.log(
    `  minified bytes by package: ${Object.entries(withAuth.byPackage)
      .map(([k, v]) => `${k} ${kib(v)} KiB`)
      .join(', ')}`,
  );
  return {
    config: { esbuild: esbuildVersion, minify: true, format: 'esm', gzip: 'zlib default level' },
    withAuth,
    withoutAuth,
    addedGzipKiB,
    addedMinifiedKiB,
    targets: [
      {
        label:
          'Workers bundle: what one client-credentials client adds to a Hono worker (esbuild, minified, gzip)',
        goal: '≤ 25 KiB',
        value: `${addedGzipKiB} KiB`,
        met: addedGzipKiB <= 25,
      },
    ],
  };
}
