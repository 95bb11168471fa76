/**
 * The tour's OpenTelemetry: the registries the tour runs in its own process are instrumented with
 * `@auth/opentelemetry` into the real SDK's in-memory reader, and the tour ends with what it read.
 */
import {
  AUTH_ATTRIBUTES,
  AUTH_METRICS,
  type InstrumentableAuthClients,
  instrumentAuthClients,
} from '@auth/opentelemetry';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

/** What the tour instruments and how it reads the numbers back. */
export interface DemoMetrics {
  /** Records `clients`' metrics until {@link DemoMetrics.close}. */
  instrument(clients: InstrumentableAuthClients): void;
  /** The summary lines: token requests, 401s handled, lease waits. */
  summary(): Promise<string[]>;
  close(): Promise<void>;
}

export function createDemoMetrics(): DemoMetrics {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const stops: (() => void)[] = [];
  return {
    instrument(clients) {
      stops.push(instrumentAuthClients(clients, { meterProvider }));
    },
    async summary() {
      exporter.reset();
      await reader.forceFlush();
      const metrics = exporter
        .getMetrics()
        .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
      const requests = points<number>(metrics, AUTH_METRICS.tokenRequests);
      const durations = points<Histogram>(metrics, AUTH_METRICS.tokenRequestDuration);
      const unauthorized = points<number>(metrics, AUTH_METRICS.unauthorizedResponses);
      const leaseWaits = points<Histogram>(metrics, AUTH_METRICS.leaseWaitDuration);
      const seconds = durations.reduce((total, p) => total + (p.value.sum ?? 0), 0);
      const count = durations.reduce((total, p) => total + p.value.count, 0);
      return [
        `token requests   ${total(requests)} (${breakdown(requests, AUTH_ATTRIBUTES.outcome)}; ${breakdown(requests, AUTH_ATTRIBUTES.reason)}), mean ${count === 0 ? '-' : `${((seconds / count) * 1000).toFixed(0)} ms`}`,
        `401s handled     ${total(unauthorized)} (${breakdown(unauthorized, AUTH_ATTRIBUTES.unauthorizedAction)})`,
        `lease waits      ${leaseWaits.reduce((n, p) => n + p.value.count, 0)} (${breakdown(
          leaseWaits.map((p) => ({ ...p, value: p.value.count })),
          AUTH_ATTRIBUTES.leaseOutcome,
        )})`,
      ];
    },
    async close() {
      for (const stop of stops) stop();
      await meterProvider.shutdown();
    },
  };
}

function points<Value>(metrics: MetricData[], name: string): DataPoint<Value>[] {
  const metric = metrics.find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<Value>[];
}

function total(points: DataPoint<number>[]): number {
  return points.reduce((sum, point) => sum + point.value, 0);
}

/** `success 5, failure 1`: the counts per value of `attribute`. */
function breakdown(points: DataPoint<number>[], attribute: string): string {
  const counts = new Map<string, number>();
  for (const point of points) {
    const key = String(point.attributes[attribute] ?? 'unknown');
    counts.set(key, (counts.get(key) ?? 0) + point.value);
  }
  return counts.size === 0 ? 'none' : [...counts].map(([key, n]) => `${key} ${n}`).join(', ');
}
