import { Registry } from 'prom-client';
import type { CacheMetricFamily } from './cache-metrics';
import { formatPrometheusText } from './prometheus.exposition';
import { registerCacheMetrics } from './prom-client.registration';

/** A monitor stand-in whose totals the test moves, counting how often it is read. */
function fakeMonitor() {
  const state = { hits: 2, ratio: 0.5, operation: 'summarize' };
  let reads = 0;
  const monitor = {
    collectMetrics(): CacheMetricFamily[] {
      reads++;
      return [
        {
          name: 'ai_cache_hits_total',
          help: 'Hits.',
          type: 'counter',
          labelNames: ['operation', 'tier'],
          samples: [{ labels: { operation: state.operation, tier: 'memory' }, value: state.hits }],
        },
        { name: 'ai_cache_hit_ratio', help: 'Ratio.', type: 'gauge', labelNames: [], samples: [{ labels: {}, value: state.ratio }] },
      ];
    },
  };
  return { monitor, state, reads: () => reads };
}

const sampleLines = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(name));

describe('registerCacheMetrics', () => {
  it('exposes the same sample lines as toPrometheus, read from the monitor at scrape time', async () => {
    const registry = new Registry();
    const { monitor } = fakeMonitor();
    registerCacheMetrics(monitor, { registry });
    const ours = formatPrometheusText(monitor.collectMetrics());
    const theirs = await registry.metrics();
    for (const name of ['ai_cache_hits_total', 'ai_cache_hit_ratio']) {
      expect(sampleLines(theirs, name).length).toBeGreaterThan(0);
      expect(sampleLines(theirs, name)).toEqual(sampleLines(ours, name));
    }
  });

  it('never counts twice: repeated scrapes give the totals, which follow the monitor', async () => {
    const registry = new Registry();
    const { monitor, state } = fakeMonitor();
    registerCacheMetrics(monitor, { registry });
    await registry.metrics();
    expect(await registry.metrics()).toContain('ai_cache_hits_total{operation="summarize",tier="memory"} 2');
    state.hits = 5;
    state.ratio = 0.75;
    const text = await registry.metrics();
    expect(text).toContain('ai_cache_hits_total{operation="summarize",tier="memory"} 5');
    expect(text).toContain('ai_cache_hit_ratio 0.75');
  });

  it('reads the monitor once per scrape, not once per metric', async () => {
    const registry = new Registry();
    const fake = fakeMonitor();
    registerCacheMetrics(fake.monitor, { registry });
    await registry.metrics();
    expect(fake.reads()).toBe(1);
    await registry.metrics();
    expect(fake.reads()).toBe(2);
  });

  it('escapes label values the same way', async () => {
    const registry = new Registry();
    const fake = fakeMonitor();
    fake.state.operation = 'we"ird\\op';
    registerCacheMetrics(fake.monitor, { registry });
    expect(await registry.metrics()).toContain('ai_cache_hits_total{operation="we\\"ird\\\\op",tier="memory"} 2');
  });

  it('registers every cache metric definition, and the returned function removes exactly those', async () => {
    const registry = new Registry();
    const unregister = registerCacheMetrics(fakeMonitor().monitor, { registry });
    expect(registry.getSingleMetric('ai_cache_misses_total')).toBeDefined();
    expect(registry.getMetricsAsArray().length).toBeGreaterThan(20);
    unregister();
    expect(registry.getMetricsAsArray()).toHaveLength(0);
  });

  it('refuses a registry that already has cache metrics, naming them', () => {
    const registry = new Registry();
    registerCacheMetrics(fakeMonitor().monitor, { registry });
    expect(() => registerCacheMetrics(fakeMonitor().monitor, { registry })).toThrow(/already registered.*ai_cache_hits_total/);
  });

  it('says how to fix it when prom-client is not installed', () => {
    const missing = (id: string) => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => registerCacheMetrics(fakeMonitor().monitor, {}, missing)).toThrow('prom-client is not installed');
  });
});
