// Closed-loop load: `concurrency` callers, each calling again as soon as its call settles, until
// the deadline. Bounded by time; the calls in flight at the deadline are awaited and counted.
//
// Each call starts from a macrotask of its own (setImmediate), as a server's outbound call starts
// from the incoming request that needs it. Calling again from inside the previous call's
// microtasks reaches undici's pool before it has put the connection back, and how many microtask
// ticks a contender happens to spend before its `fetch` then decides the result: measured here,
// one `await null` before a raw `fetch` gave 11 % more calls/s, a `setImmediate` 36 %.
import { performance } from 'node:perf_hooks';

/** Percentile (0..100) of a sorted Float64Array, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Quartiles [q1, q3] of the finite numbers in `values` (the spread of per-round ratios). */
export function quartiles(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const at = (q) => {
    const i = (v.length - 1) * q;
    const lo = Math.floor(i);
    return v[lo] + (v[Math.ceil(i)] - v[lo]) * (i - lo);
  };
  return [at(0.25), at(0.75)];
}

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

/** Short label of an error for the failure breakdown (never the message of a token error body). */
function errorLabel(error) {
  return error?.code ?? error?.name ?? 'Error';
}

/**
 * Runs the load. Returns { calls, ok, failed, statuses, errors, elapsedMs, callsPerSec,
 * cpuMicrosPerCall, p50, p99, max } with latencies in ms.
 */
export async function runLoad(call, { concurrency, durationMs, startAt }) {
  if (startAt !== undefined) {
    const wait = startAt - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  let latencies = new Float64Array(4096);
  let n = 0;
  let ok = 0;
  let failed = 0;
  const statuses = {};
  const errors = {};
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + durationMs;

  async function caller() {
    while (performance.now() < end) {
      await nextMacrotask();
      const t0 = performance.now();
      try {
        const status = await call();
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) ok++;
        else failed++;
      } catch (error) {
        failed++;
        const label = errorLabel(error);
        errors[label] = (errors[label] ?? 0) + 1;
      }
      if (n === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[n++] = performance.now() - t0;
    }
  }

  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const sorted = latencies.subarray(0, n).sort();
  return {
    calls: n,
    ok,
    failed,
    statuses,
    errors,
    elapsedMs: round(elapsedMs, 1),
    callsPerSec: round((n / elapsedMs) * 1000, 1),
    // CPU time of this whole process per call (load generator included, same for every contender):
    // far less sensitive to other processes on a busy machine than calls/s.
    cpuMicrosPerCall: n === 0 ? null : round((cpu.user + cpu.system) / n, 1),
    p50: round(percentile(sorted, 50), 3),
    p99: round(percentile(sorted, 99), 3),
    max: round(sorted[n - 1] ?? null, 3),
  };
}

/** Fires `count` calls at once (a cold start) and waits for all of them. */
export async function burst(call, count) {
  let ok = 0;
  let failed = 0;
  const errors = {};
  const start = performance.now();
  await Promise.all(
    Array.from({ length: count }, async () => {
      try {
        const status = await call();
        if (status >= 200 && status < 300) ok++;
        else failed++;
      } catch (error) {
        failed++;
        const label = errorLabel(error);
        errors[label] = (errors[label] ?? 0) + 1;
      }
    }),
  );
  return { calls: count, ok, failed, errors, elapsedMs: round(performance.now() - start, 1) };
}

export function round(value, digits = 3) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const sum = (values) => values.reduce((a, b) => a + (b ?? 0), 0);

/** Runs `call` under load against `upstream`, with the upstream's counters for that run only. */
export async function measured(upstream, provider, call, load) {
  await upstream.reset();
  const result = await runLoad(call, load);
  const stats = (await upstream.stats())[provider];
  return { ...result, tokenRequests: stats.tokenRequests, upstream401: stats.unauthorized };
}

/**
 * Per-contender medians over rounds; ratios to `baseline` are taken within each round, then the
 * median, with their spread (quartiles over the rounds).
 */
export function summarise(ids, rounds, baseline) {
  const out = {};
  const perRound = (id, f) => rounds.map((r) => f(r[id], r[baseline]));
  const spread = (values) => quartiles(values)?.map((x) => round(x, 3)) ?? null;
  for (const id of ids) {
    const runs = rounds.map((r) => r[id]).filter(Boolean);
    const ratios = baseline ? perRound(id, (x, b) => x.callsPerSec / b.callsPerSec) : [];
    const cpuRatios = baseline
      ? perRound(id, (x, b) => b.cpuMicrosPerCall / x.cpuMicrosPerCall)
      : [];
    const cpuPerCall = baseline
      ? perRound(id, (x, b) => x.cpuMicrosPerCall / b.cpuMicrosPerCall)
      : [];
    out[id] = {
      callsPerSec: round(median(runs.map((x) => x.callsPerSec)), 1),
      ratioToRaw: baseline ? round(median(ratios), 3) : null,
      ratioSpread: baseline ? spread(ratios) : null,
      cpuMicrosPerCall: round(median(runs.map((x) => x.cpuMicrosPerCall)), 1),
      cpuRatioToRaw: baseline ? round(median(cpuRatios), 3) : null,
      cpuRatioSpread: baseline ? spread(cpuRatios) : null,
      /** CPU per call ÷ the baseline's (the inverse view of the CPU ratio: ≤ 1.05 is the target). */
      cpuPerCallVsRaw: baseline ? round(median(cpuPerCall), 3) : null,
      p50: round(median(runs.map((x) => x.p50)), 3),
      p99: round(median(runs.map((x) => x.p99)), 3),
      calls: sum(runs.map((x) => x.calls)),
      failed: sum(runs.map((x) => x.failed)),
      tokenRequests: sum(runs.map((x) => x.tokenRequests)),
      upstream401: sum(runs.map((x) => x.upstream401)),
    };
  }
  return out;
}
