/**
 * The real OpenTelemetry SDK with in-memory exporters, for tests: a meter provider read on demand,
 * a tracer provider keeping every ended span, and the AsyncLocalStorage context manager (what
 * `@opentelemetry/sdk-node` installs) so that `context.active()` follows async calls.
 */
import { type AttributeValue, context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  DataPointType,
  type HistogramMetricData,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export type TestSdk = Awaited<ReturnType<typeof startTestSdk>>;

/** Filters data points by attributes: each given attribute must be equal. */
export type AttributeFilter = Record<string, AttributeValue>;

export function startTestSdk() {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  });

  /** Every metric as of now (a fresh collection). */
  async function collect(): Promise<MetricData[]> {
    metricExporter.reset();
    await reader.forceFlush();
    return metricExporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
  }

  function pointsOf(all: MetricData[], name: string, filter: AttributeFilter = {}) {
    const metric = all.find((m) => m.descriptor.name === name);
    if (metric === undefined) return [];
    return (metric.dataPoints as MetricData['dataPoints'][number][]).filter((point) =>
      Object.entries(filter).every(([key, value]) => point.attributes[key] === value),
    );
  }

  return {
    meterProvider,
    tracerProvider,
    spans: () => spanExporter.getFinishedSpans(),
    collect,
    /** Sum of a counter's points matching `filter`. */
    async sum(name: string, filter?: AttributeFilter): Promise<number> {
      return pointsOf(await collect(), name, filter).reduce(
        (total, point) => total + (point.value as number),
        0,
      );
    },
    /** Number of recordings of a histogram matching `filter`. */
    async count(name: string, filter?: AttributeFilter): Promise<number> {
      const all = await collect();
      const metric = all.find((m) => m.descriptor.name === name) as HistogramMetricData | undefined;
      if (metric !== undefined && metric.dataPointType !== DataPointType.HISTOGRAM) {
        throw new Error(`${name} is not a histogram`);
      }
      return pointsOf(all, name, filter).reduce(
        (total, point) => total + (point.value as { count: number }).count,
        0,
      );
    },
    /** A gauge's points: attributes and value. */
    async gauge(name: string) {
      return pointsOf(await collect(), name).map((point) => ({
        attributes: point.attributes,
        value: point.value as number,
      }));
    },
    async shutdown(): Promise<void> {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
      contextManager.disable();
      context.disable();
    },
  };
}
