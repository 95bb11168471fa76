// Closed-loop load: `concurrency` callers, each calling again as soon as its call settles, until
// the deadline. Bounded by time; the calls in flight at the deadline are awaited and counted.
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
