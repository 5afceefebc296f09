import type * as PromClient from 'prom-client';
import { CACHE_METRIC_DEFINITIONS, type CacheMetricFamily } from './cache-metrics';
import { loadPromClient } from './prom-client.loader';

/**
 * The parts of a prom-client `Registry` used here. Structural, so that this library's type
 * declarations never name prom-client (an optional peer: apps without it must still compile).
 */
export interface PromClientRegistry {
  getSingleMetric(name: string): unknown;
  removeSingleMetric(name: string): void;
  registerMetric(metric: never): void;
}

export interface RegisterCacheMetricsOptions {
  /** Where to register. Default: prom-client's global registry (`require('prom-client').register`). */
  registry?: PromClientRegistry;
}

/** What the registration reads on each scrape. */
export interface CacheMetricsProvider {
  collectMetrics(): CacheMetricFamily[];
}

/**
 * Registers every cache metric (the same names, labels and values as `toPrometheus()`) in a
 * prom-client registry. The values are not counted twice: each metric's `collect` callback resets
 * it and copies the monitor's running totals at scrape time, so the monitor stays the only counter.
 * Returns a function that removes exactly these metrics from the registry again.
 *
 * @throws when prom-client is not installed, or when a cache metric name is already registered there
 */
export function registerCacheMetrics(
  monitor: CacheMetricsProvider,
  options: RegisterCacheMetricsOptions = {},
  load: (id: string) => unknown = require,
): () => void {
  const prom = loadPromClient(load);
  if (!prom) throw new Error("registerCacheMetrics: prom-client is not installed (npm install prom-client)");
  const registry = (options.registry ?? prom.register) as PromClient.Registry;
  const taken = CACHE_METRIC_DEFINITIONS.filter((d) => registry.getSingleMetric(d.name) !== undefined).map((d) => d.name);
  if (taken.length > 0) {
    throw new Error(`registerCacheMetrics: already registered in this registry: ${taken.join(', ')} (another CacheMonitorService?)`);
  }

  // A scrape calls every metric's collect in one synchronous pass: read the monitor once per pass
  // (forgotten at the next microtask, so the next scrape always reads fresh totals).
  let current: Map<string, CacheMetricFamily> | undefined;
  const samplesOf = (name: string) => {
    if (!current) {
      current = new Map(monitor.collectMetrics().map((family) => [family.name, family]));
      queueMicrotask(() => (current = undefined));
    }
    return current.get(name)?.samples ?? [];
  };

  const metrics = CACHE_METRIC_DEFINITIONS.map(({ name, help, type, labelNames }) => {
    const configuration = { name, help, labelNames: [...labelNames], registers: [registry] };
    if (type === 'counter') {
      return new prom.Counter({
        ...configuration,
        collect() {
          this.reset();
          for (const { labels, value } of samplesOf(name)) this.inc(labels, value);
        },
      });
    }
    return new prom.Gauge({
      ...configuration,
      collect() {
        this.reset();
        for (const { labels, value } of samplesOf(name)) this.set(labels, value);
      },
    });
  });

  return () => {
    for (const metric of metrics) {
      const { name } = metric as unknown as { name: string };
      // Only ours: someone may have registered another metric under the name since.
      if (registry.getSingleMetric(name) === metric) registry.removeSingleMetric(name);
    }
  };
}
