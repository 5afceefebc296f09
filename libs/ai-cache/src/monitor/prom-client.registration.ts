import { CACHE_METRIC_DEFINITIONS, type CacheMetricFamily, type CacheMetricType } from './cache-metrics';
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
  /** The `cache` label of its samples; two providers with one label cannot share a registry. */
  readonly cacheLabel?: string;
}

/** One sample as a prom-client registry formats it (`metricName` for a histogram's series). */
interface PromSample {
  labels: Record<string, string>;
  value: number;
  metricName?: string;
}

/** What a prom-client registry asks of a metric: a name, a type, help, and the values at scrape time. */
interface CollectedMetric {
  name: string;
  help: string;
  type: CacheMetricType;
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: CacheMetricType; aggregator: 'sum'; values: PromSample[] }>;
  reset(): void;
}

/** The cache metrics registered in one registry, and every monitor they read. */
interface SharedRegistration {
  readonly providers: Set<CacheMetricsProvider>;
  readonly metrics: ReadonlyMap<string, CollectedMetric>;
}

const registrations = new WeakMap<PromClientRegistry, SharedRegistration>();

/**
 * Registers every cache metric (the same names, labels and values as `toPrometheus()`) in a
 * prom-client registry. Several monitors (one per CacheModule) can be registered in one registry:
 * the metrics are registered once and, at each scrape, read every monitor registered there, each
 * sample labelled with its monitor's `cache` label (its namespace). Nothing is counted twice: the
 * values are the monitors' own running totals, read at scrape time. Returns a function that takes
 * this monitor out again (and the metrics, with the last one).
 *
 * @throws when prom-client is not installed (and no registry is given), when a metric of one of
 *   these names was registered by someone else, or when a monitor with the same `cache` label is
 *   already registered there (two CacheModules with one namespace)
 */
export function registerCacheMetrics(
  monitor: CacheMetricsProvider,
  options: RegisterCacheMetricsOptions = {},
  load: (id: string) => unknown = require,
): () => void {
  const registry = options.registry ?? defaultRegistry(load);
  let registration = registrations.get(registry);
  // `registry.clear()` (common between tests) drops our metrics without telling us: start afresh.
  if (registration && ![...registration.metrics].every(([name, metric]) => registry.getSingleMetric(name) === metric)) {
    registration = undefined;
  }
  if (registration) {
    const label = monitor.cacheLabel;
    const clash = [...registration.providers].find((other) => label !== undefined && other.cacheLabel === label);
    if (clash) {
      throw new Error(
        `registerCacheMetrics: a monitor labelled cache="${label}" is already registered in this registry ` +
          '(two CacheModules with one namespace? give one another namespace, or its own registry)',
      );
    }
  } else {
    const taken = CACHE_METRIC_DEFINITIONS.filter((d) => registry.getSingleMetric(d.name) !== undefined).map((d) => d.name);
    if (taken.length > 0) throw new Error(`registerCacheMetrics: already registered in this registry by something else: ${taken.join(', ')}`);
    registration = createRegistration();
    for (const metric of registration.metrics.values()) registry.registerMetric(metric as never);
    registrations.set(registry, registration);
  }
  registration.providers.add(monitor);

  const joined = registration;
  return () => {
    if (!joined.providers.delete(monitor) || joined.providers.size > 0) return;
    for (const [name, metric] of joined.metrics) {
      // Only ours: someone may have registered another metric under the name since.
      if (registry.getSingleMetric(name) === metric) registry.removeSingleMetric(name);
    }
    if (registrations.get(registry) === joined) registrations.delete(registry);
  };
}

function defaultRegistry(load: (id: string) => unknown): PromClientRegistry {
  const prom = loadPromClient(load);
  if (!prom) throw new Error('registerCacheMetrics: prom-client is not installed (npm i prom-client), and no registry was given');
  return prom.register as unknown as PromClientRegistry;
}

function createRegistration(): SharedRegistration {
  const providers = new Set<CacheMetricsProvider>();
  // A scrape calls every metric's get() in one synchronous pass: read each monitor once per pass
  // (forgotten at the next microtask, so the next scrape always reads fresh totals).
  let current: Map<string, CacheMetricFamily[]> | undefined;
  const familiesNamed = (name: string): CacheMetricFamily[] => {
    if (!current) {
      const byName = new Map<string, CacheMetricFamily[]>();
      for (const provider of providers) {
        for (const family of provider.collectMetrics()) byName.set(family.name, [...(byName.get(family.name) ?? []), family]);
      }
      current = byName;
      queueMicrotask(() => (current = undefined));
    }
    return current.get(name) ?? [];
  };

  const metrics = new Map<string, CollectedMetric>();
  for (const { name: registeredName, help, type } of CACHE_METRIC_DEFINITIONS) {
    metrics.set(registeredName, {
      // prom-client renames counters in OpenMetrics output: the name may change, the lookup key must not.
      name: registeredName,
      help,
      type,
      aggregator: 'sum',
      async get() {
        const values: PromSample[] = [];
        for (const family of familiesNamed(registeredName)) {
          for (const { labels, value, suffix } of family.samples) {
            values.push(suffix ? { labels: { ...labels }, value, metricName: `${this.name}${suffix}` } : { labels: { ...labels }, value });
          }
        }
        return { name: this.name, help, type, aggregator: 'sum', values };
      },
      // The values are the monitors' running totals: a registry reset has nothing of its own to clear.
      reset() {},
    });
  }
  return { providers, metrics };
}
