import { Counter, Registry } from 'prom-client';
import type { CacheMetricFamily } from './cache-metrics';
import { formatPrometheusText } from './prometheus.exposition';
import { registerCacheMetrics } from './prom-client.registration';

/** A monitor stand-in whose totals the test moves, counting how often it is read. */
function fakeMonitor(cacheLabel = 'app') {
  const state = { hits: 2, ratio: 0.5, operation: 'summarize' };
  let reads = 0;
  const monitor = {
    cacheLabel,
    collectMetrics(): CacheMetricFamily[] {
      reads++;
      const cache = cacheLabel;
      return [
        {
          name: 'ai_cache_hits_total',
          help: 'Hits.',
          type: 'counter',
          labelNames: ['cache', 'operation', 'tier'],
          samples: [{ labels: { cache, operation: state.operation, tier: 'memory' }, value: state.hits }],
        },
        { name: 'ai_cache_hit_ratio', help: 'Ratio.', type: 'gauge', labelNames: ['cache'], samples: [{ labels: { cache }, value: state.ratio }] },
        {
          name: 'ai_cache_operation_duration_seconds',
          help: 'Durations.',
          type: 'histogram',
          labelNames: ['cache', 'kind', 'operation', 'tier'],
          samples: [
            { labels: { cache, kind: 'get', operation: 'qa', tier: 'memory', le: '0.001' }, value: 1, suffix: '_bucket' },
            { labels: { cache, kind: 'get', operation: 'qa', tier: 'memory', le: '+Inf' }, value: 2, suffix: '_bucket' },
            { labels: { cache, kind: 'get', operation: 'qa', tier: 'memory' }, value: 0.25, suffix: '_sum' },
            { labels: { cache, kind: 'get', operation: 'qa', tier: 'memory' }, value: 2, suffix: '_count' },
          ],
        },
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
    for (const name of ['ai_cache_hits_total', 'ai_cache_hit_ratio', 'ai_cache_operation_duration_seconds']) {
      expect(sampleLines(theirs, name).length).toBeGreaterThan(0);
      expect(sampleLines(theirs, name)).toEqual(sampleLines(ours, name));
    }
  });

  it('never counts twice: repeated scrapes give the totals, which follow the monitor', async () => {
    const registry = new Registry();
    const { monitor, state } = fakeMonitor();
    registerCacheMetrics(monitor, { registry });
    await registry.metrics();
    expect(await registry.metrics()).toContain('ai_cache_hits_total{cache="app",operation="summarize",tier="memory"} 2');
    state.hits = 5;
    state.ratio = 0.75;
    const text = await registry.metrics();
    expect(text).toContain('ai_cache_hits_total{cache="app",operation="summarize",tier="memory"} 5');
    expect(text).toContain('ai_cache_hit_ratio{cache="app"} 0.75');
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
    expect(await registry.metrics()).toContain('ai_cache_hits_total{cache="app",operation="we\\"ird\\\\op",tier="memory"} 2');
  });

  it('registers every cache metric definition, and the returned function removes exactly those', async () => {
    const registry = new Registry();
    const unregister = registerCacheMetrics(fakeMonitor().monitor, { registry });
    expect(registry.getSingleMetric('ai_cache_misses_total')).toBeDefined();
    expect(registry.getMetricsAsArray().length).toBeGreaterThan(20);
    unregister();
    expect(registry.getMetricsAsArray()).toHaveLength(0);
  });

  it('exports a histogram as prom-client does: _bucket lines with le, _sum and _count', async () => {
    const registry = new Registry();
    registerCacheMetrics(fakeMonitor().monitor, { registry });
    const text = await registry.metrics();
    expect(text).toContain('# TYPE ai_cache_operation_duration_seconds histogram\n');
    expect(text).toContain('ai_cache_operation_duration_seconds_bucket{cache="app",kind="get",operation="qa",tier="memory",le="0.001"} 1\n');
    expect(text).toContain('ai_cache_operation_duration_seconds_bucket{cache="app",kind="get",operation="qa",tier="memory",le="+Inf"} 2\n');
    expect(text).toContain('ai_cache_operation_duration_seconds_sum{cache="app",kind="get",operation="qa",tier="memory"} 0.25\n');
    expect(text).toContain('ai_cache_operation_duration_seconds_count{cache="app",kind="get",operation="qa",tier="memory"} 2');
  });

  it('exports every monitor registered in one registry, each under its cache label, and removes the metrics with the last one', async () => {
    const registry = new Registry();
    const first = fakeMonitor('tenant_a');
    const second = fakeMonitor('tenant_b');
    const unregisterFirst = registerCacheMetrics(first.monitor, { registry });
    const unregisterSecond = registerCacheMetrics(second.monitor, { registry });
    second.state.hits = 7;
    let text = await registry.metrics();
    expect(text).toContain('ai_cache_hits_total{cache="tenant_a",operation="summarize",tier="memory"} 2\n');
    expect(text).toContain('ai_cache_hits_total{cache="tenant_b",operation="summarize",tier="memory"} 7\n');
    expect(text.match(/^# TYPE ai_cache_hits_total /gm)).toHaveLength(1);
    unregisterFirst();
    text = await registry.metrics();
    expect(text).not.toContain('cache="tenant_a"');
    expect(text).toContain('cache="tenant_b"');
    unregisterSecond();
    expect(registry.getMetricsAsArray()).toHaveLength(0);
    // And the registry can be used again from scratch.
    registerCacheMetrics(first.monitor, { registry });
    expect(await registry.metrics()).toContain('cache="tenant_a"');
  });

  it('registers afresh after registry.clear() dropped our metrics', async () => {
    const registry = new Registry();
    registerCacheMetrics(fakeMonitor('tenant_a').monitor, { registry });
    registry.clear();
    registerCacheMetrics(fakeMonitor('tenant_b').monitor, { registry });
    const text = await registry.metrics();
    expect(text).toContain('cache="tenant_b"');
    expect(text).not.toContain('cache="tenant_a"');
  });

  it('refuses a second monitor with the same cache label, and metrics of our names registered by someone else', () => {
    const registry = new Registry();
    registerCacheMetrics(fakeMonitor('app').monitor, { registry });
    expect(() => registerCacheMetrics(fakeMonitor('app').monitor, { registry })).toThrow(/cache="app" is already registered/);
    const foreign = new Registry();
    new Counter({ name: 'ai_cache_hits_total', help: 'not ours', registers: [foreign] });
    expect(() => registerCacheMetrics(fakeMonitor().monitor, { registry: foreign })).toThrow(/by something else: ai_cache_hits_total/);
  });

  it('says how to fix it when prom-client is not installed', () => {
    const missing = (id: string) => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => registerCacheMetrics(fakeMonitor().monitor, {}, missing)).toThrow('prom-client is not installed (npm i prom-client)');
    // With a registry of its own, prom-client itself is not needed.
    expect(() => registerCacheMetrics(fakeMonitor().monitor, { registry: new Registry() }, missing)).not.toThrow();
  });
});
