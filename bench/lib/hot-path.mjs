// Scenario 1's measurement: interleaved rounds of every contender against one upstream, and what
// our own code costs per call with `fetch` stubbed. Runs in the bench process and, for other Node
// versions, in `hot-path-worker.mjs` on that version's binary (same upstream process).
import { performance } from 'node:perf_hooks';
import { createAuthClients } from '@auth/core';
import { createContender } from './contenders.mjs';
import { measured, median, quartiles, round, runLoad, summarise } from './load.mjs';
import { opsrampTarget, shuffled } from './targets.mjs';

export const HOT_PATH_IDS = [
  'raw',
  'ours',
  'oursNoTimeout',
  'oursObserved',
  'badgateway',
  'openid',
  'handwritten',
];

/**
 * Before each slice: a full GC when the process has `--expose-gc` (the bench runs with it), so that
 * no contender pays for the previous one's garbage, and a moment for the upstream to drain.
 */
async function settle() {
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Rounds of every contender (`cfg`: rounds, durationMs, warmMs, concurrency) against `upstream`. */
export async function hotPathRounds(upstream, cfg, log) {
  const target = opsrampTarget(upstream.info);
  const instances = {};
  for (const id of HOT_PATH_IDS) {
    instances[id] = await createContender(id, target);
    await runLoad(instances[id].call, { concurrency: cfg.concurrency, durationMs: cfg.warmMs });
  }
  const rounds = [];
  for (let r = 0; r < cfg.rounds; r++) {
    const results = {};
    for (const id of shuffled(HOT_PATH_IDS, r)) {
      await settle();
      results[id] = await measured(upstream, 'opsramp', instances[id].call, {
        concurrency: cfg.concurrency,
        durationMs: cfg.durationMs,
      });
      log(
        `  round ${r + 1} ${id.padEnd(13)} ${results[id].callsPerSec} calls/s, ${results[id].cpuMicrosPerCall} µs CPU/call`,
      );
    }
    rounds.push(results);
  }
  const paired = await pairedRatio(upstream, instances.raw, instances.ours, cfg, log);
  await Promise.all(HOT_PATH_IDS.map((id) => instances[id].close()));
  const observed = rounds.map((r) => r.oursObserved.callsPerSec / r.ours.callsPerSec);
  return {
    node: process.versions.node,
    contenders: summarise(HOT_PATH_IDS, rounds, 'raw'),
    // Events + OpenTelemetry on vs off, within each round, then the median.
    observedRatio: round(median(observed), 3),
    observedSpread: quartiles(observed)?.map((x) => round(x, 3)) ?? null,
    paired,
    clientCost: await clientCost(),
    rounds,
  };
}

/**
 * The headline ratio, ours ÷ raw fetch, from adjacent slices in A/B/B/A order (`cfg.pairs` pairs
 * of `cfg.pairMs` each): two slices a moment apart see nearly the same machine, so the ratio of
 * each pair is steadier than ratios across a round of seven contenders. Median over pairs, with
 * the quartiles as the spread.
 *
 * The same slices also give an A/A control: where one pair ends and the next begins, the same
 * contender runs twice in a row (…B | B A | A B…). The ratio of those two slices, whose true value
 * is 1, shows what the measurement can resolve on this machine: its median should sit at 1 and
 * its quartiles are the spread a pair has with no difference between the two sides.
 */
async function pairedRatio(upstream, raw, ours, cfg, log) {
  const calls = [];
  const cpu = [];
  const control = [];
  const contenders = { raw, ours };
  let previousLast;
  for (let i = 0; i < cfg.pairs; i++) {
    const order = i % 2 === 0 ? ['raw', 'ours'] : ['ours', 'raw'];
    const result = {};
    for (const id of order) {
      await settle();
      result[id] = await measured(upstream, 'opsramp', contenders[id].call, {
        concurrency: cfg.concurrency,
        durationMs: cfg.pairMs,
      });
    }
    // This pair's first slice repeats the contender of the previous pair's last; the direction
    // alternates so that a drift over the run does not tilt the control.
    const first = result[order[0]].callsPerSec;
    if (previousLast !== undefined) {
      control.push(i % 2 === 0 ? first / previousLast : previousLast / first);
    }
    previousLast = result[order[1]].callsPerSec;
    calls.push(result.ours.callsPerSec / result.raw.callsPerSec);
    cpu.push(result.ours.cpuMicrosPerCall / result.raw.cpuMicrosPerCall);
  }
  const summary = {
    pairs: cfg.pairs,
    ratioToRaw: round(median(calls), 3),
    ratioSpread: quartiles(calls)?.map((x) => round(x, 3)) ?? null,
    cpuPerCallVsRaw: round(median(cpu), 3),
    cpuSpread: quartiles(cpu)?.map((x) => round(x, 3)) ?? null,
    controlRatio: round(median(control), 3),
    controlSpread: quartiles(control)?.map((x) => round(x, 3)) ?? null,
  };
  log(
    `  paired ours ÷ raw over ${cfg.pairs} pairs: calls/s ${summary.ratioToRaw}, CPU per call ${summary.cpuPerCallVsRaw}; A/A control ${summary.controlRatio} (spread ${summary.controlSpread?.join('–')})`,
  );
  return summary;
}

/**
 * Our code's own cost per call, µs: `AuthClient.fetch` with a stubbed `fetch` (a constant answer,
 * no I/O) ÷ calls, minus the stub called directly, median of 7 runs of 50 callers × 20,000 calls.
 * Free of network and server noise: what the end-to-end ratio dilutes in raw fetch's own cost.
 */
async function clientCost() {
  const answer = new Response(null, { status: 200 });
  const stub = async () => answer;
  const flow = {
    id: 'stub',
    cacheKeyParts: ['stub'],
    defaultLifetimeSeconds: 3600,
    requestToken: async () => ({ accessToken: 'stub-token', tokenType: 'Bearer' }),
  };
  const client = (timeoutMs) =>
    createAuthClients({ c: { baseUrl: 'https://api.example/v1/', flow, fetch: stub, timeoutMs } })
      .c;
  const variants = {
    stub: () => stub('https://api.example/v1/items', { headers: { authorization: 'Bearer x' } }),
    ours: client(30_000).fetch,
    oursNoTimeout: client(Number.POSITIVE_INFINITY).fetch,
  };
  const perCall = async (call) => {
    let left = 20_000;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (left-- > 0) await call('items');
      }),
    );
    return ((performance.now() - start) * 1000) / 20_000;
  };
  const samples = { stub: [], ours: [], oursNoTimeout: [] };
  for (let r = 0; r < 8; r++) {
    for (const [id, call] of Object.entries(variants)) {
      const us = await perCall(call);
      if (r > 0) samples[id].push(us); // the first run warms up
    }
  }
  const stubUs = median(samples.stub);
  return {
    oursMicros: round(median(samples.ours) - stubUs, 2),
    oursNoTimeoutMicros: round(median(samples.oursNoTimeout) - stubUs, 2),
  };
}
