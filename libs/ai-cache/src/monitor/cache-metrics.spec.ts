import { buildCacheMetricFamilies, CACHE_METRIC_DEFINITIONS, CACHE_METRIC_PREFIX, type CacheMetricsInput } from './cache-metrics';
import { LATENCY_BUCKET_SLOTS } from './latency-buckets';

/** Histogram slots with `counts` at the given slot indexes (e.g. { 0: 2, 5: 1 }). */
function slots(counts: Record<number, number>): number[] {
  return Array.from({ length: LATENCY_BUCKET_SLOTS }, (_, i) => counts[i] ?? 0);
}

/** Every sample carries the monitor's `cache` label first. */
const labelled = (labels: Record<string, string>) => ({ cache: 'app', ...labels });

function input(overrides: Partial<CacheMetricsInput> = {}): CacheMetricsInput {
  return {
    cache: 'app',
    totals: {
      hits: 5,
      misses: 2,
      lookups: { summarize: { memoryHits: 3, redisHits: 2, misses: 1 }, qa: { memoryHits: 0, redisHits: 0, misses: 1 } },
      operations: [
        { kind: 'get', operation: 'summarize', tier: 'memory', count: 3, totalMs: 1.5, buckets: slots({ 0: 1, 6: 2 }) },
        { kind: 'set', operation: 'qa', tier: 'redis', count: 1, totalMs: 4, buckets: slots({ 8: 1 }) },
      ],
      counters: { errors: 1, redisErrors: 4, evictions: 2, coalescedWaits: 3, degradedOperations: 7, oversizeSkipped: 1, corruptedEntries: 1, decryptFailures: 5, computations: 3, fleetWaits: 2, leaseTakeovers: 1, failureMarkers: 1, staleAnswers: 4, backgroundRefreshes: 2, backgroundRefreshFailures: 1 },
      invalidations: { invalidations: 3, keysInvalidated: 12, byType: { operation: 2, all: 1 } },
      compression: { operations: 2, originalBytes: 5000, compressedBytes: 1200, durationMs: 3 },
      timeSavedMs: 2500,
      tokensSaved: { promptTokens: 100, completionTokens: 40, totalTokens: 140 },
    },
    latency: [{ kind: 'get', operation: 'summarize', tier: 'memory', p50: 0.5, p95: 1, p99: 2 }],
    memory: { at: 0, memoryCacheBytes: 2048, memoryCacheEntries: 3, memoryCacheMaxEntries: 100, redisMemoryBytes: 1_000_000, redisKeys: 9, processRssBytes: 1, processHeapUsedBytes: 1 },
    degraded: true,
    hitRatio: 71.25,
    tiers: ['memory', 'redis'],
    ...overrides,
  };
}

const familyOf = (families: ReturnType<typeof buildCacheMetricFamilies>, suffix: string) => {
  const family = families.find((f) => f.name === CACHE_METRIC_PREFIX + suffix);
  if (!family) throw new Error(`no family ${suffix}`);
  return family;
};

describe('cache metric families', () => {
  it('are all prefixed ai_cache_, unique, with counters named *_total', () => {
    const names = CACHE_METRIC_DEFINITIONS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const { name, type } of CACHE_METRIC_DEFINITIONS) {
      expect(name).toMatch(/^ai_cache_[a-z_]+$/);
      expect(name.endsWith('_total')).toBe(type === 'counter');
    }
    expect(buildCacheMetricFamilies(input()).map((f) => f.name)).toEqual(names);
  });

  it("label every sample with the monitor's cache label, first", () => {
    for (const definition of CACHE_METRIC_DEFINITIONS) expect(definition.labelNames[0]).toBe('cache');
    for (const family of buildCacheMetricFamilies(input({ cache: 'tenant_a' }))) {
      expect(family.samples.length).toBeGreaterThan(0);
      for (const sample of family.samples) expect(Object.keys(sample.labels)[0]).toBe('cache');
      for (const sample of family.samples) expect(sample.labels.cache).toBe('tenant_a');
    }
  });

  it('label hits and misses by operation and tier; a miss carries the last tier consulted', () => {
    const families = buildCacheMetricFamilies(input());
    expect(familyOf(families, 'hits_total').samples).toEqual([
      { labels: labelled({ operation: 'summarize', tier: 'memory' }), value: 3 },
      { labels: labelled({ operation: 'summarize', tier: 'redis' }), value: 2 },
      { labels: labelled({ operation: 'qa', tier: 'memory' }), value: 0 },
      { labels: labelled({ operation: 'qa', tier: 'redis' }), value: 0 },
    ]);
    expect(familyOf(families, 'misses_total').samples).toEqual([
      { labels: labelled({ operation: 'summarize', tier: 'redis' }), value: 1 },
      { labels: labelled({ operation: 'qa', tier: 'redis' }), value: 1 },
    ]);
    const memoryDriver = buildCacheMetricFamilies(input({ tiers: ['memory'] }));
    expect(familyOf(memoryDriver, 'misses_total').samples[0].labels.tier).toBe('memory');
    expect(familyOf(memoryDriver, 'hits_total').samples.map((s) => s.labels.tier)).toEqual(['memory', 'memory']);
  });

  it('give latency as a Prometheus histogram: cumulative buckets from 10 µs to 10 s, then +Inf, _sum in seconds, _count', () => {
    const families = buildCacheMetricFamilies(input());
    const histogram = familyOf(families, 'operation_duration_seconds');
    expect(histogram.type).toBe('histogram');
    expect(histogram.labelNames).toEqual(['cache', 'kind', 'operation', 'tier']);
    const get = histogram.samples.filter((s) => s.labels.operation === 'summarize');
    const buckets = get.filter((s) => s.suffix === '_bucket');
    expect(buckets.map((s) => s.labels.le)).toEqual([
      '0.00001', '0.000025', '0.00005', '0.0001', '0.00025', '0.0005', '0.001', '0.0025', '0.005', '0.01',
      '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf',
    ]);
    expect(buckets.map((s) => s.value)).toEqual([1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(buckets[0].labels).toEqual(labelled({ kind: 'get', operation: 'summarize', tier: 'memory', le: '0.00001' }));
    expect(get.filter((s) => s.suffix !== '_bucket')).toEqual([
      { labels: labelled({ kind: 'get', operation: 'summarize', tier: 'memory' }), value: 0.0015, suffix: '_sum' },
      { labels: labelled({ kind: 'get', operation: 'summarize', tier: 'memory' }), value: 3, suffix: '_count' },
    ]);
    // Beyond the last bound: only in +Inf.
    const slow = buildCacheMetricFamilies(input({
      totals: { ...input().totals, operations: [{ kind: 'get', operation: 'qa', tier: 'redis', count: 1, totalMs: 12_000, buckets: slots({ 19: 1 }) }] },
    }));
    const slowBuckets = familyOf(slow, 'operation_duration_seconds').samples.filter((s) => s.suffix === '_bucket');
    expect(slowBuckets.map((s) => s.value)).toEqual([...new Array(19).fill(0), 1]);
  });

  it('give latency quantiles over the retention window as labels, in seconds', () => {
    const families = buildCacheMetricFamilies(input());
    expect(familyOf(families, 'operation_latency_seconds').samples).toEqual([
      { labels: labelled({ kind: 'get', operation: 'summarize', tier: 'memory', quantile: '0.5' }), value: 0.0005 },
      { labels: labelled({ kind: 'get', operation: 'summarize', tier: 'memory', quantile: '0.95' }), value: 0.001 },
      { labels: labelled({ kind: 'get', operation: 'summarize', tier: 'memory', quantile: '0.99' }), value: 0.002 },
    ]);
    expect(familyOf(families, 'compute_seconds_saved_total').samples).toEqual([{ labels: labelled({}), value: 2.5 }]);
  });

  it('carry the counters, savings, ratio as a fraction, degraded flag and memory gauges', () => {
    const families = buildCacheMetricFamilies(input());
    const value = (suffix: string) => familyOf(families, suffix).samples[0].value;
    expect(value('hit_ratio')).toBeCloseTo(0.7125);
    expect(familyOf(families, 'errors_total').samples).toEqual([
      { labels: labelled({ source: 'cache' }), value: 1 },
      { labels: labelled({ source: 'redis' }), value: 4 },
    ]);
    expect([value('evictions_total'), value('coalesced_waits_total'), value('degraded_operations_total'), value('degraded')]).toEqual([2, 3, 7, 1]);
    expect(value('decrypt_failures_total')).toBe(5);
    expect([value('tokens_saved_total'), value('prompt_tokens_saved_total'), value('completion_tokens_saved_total')]).toEqual([140, 100, 40]);
    expect(familyOf(families, 'invalidations_total').samples).toEqual([
      { labels: labelled({ type: 'operation' }), value: 2 },
      { labels: labelled({ type: 'all' }), value: 1 },
    ]);
    expect([value('invalidated_keys_total'), value('compressions_total'), value('compression_saved_bytes_total')]).toEqual([12, 2, 3800]);
    expect([value('memory_tier_bytes'), value('memory_tier_entries'), value('redis_used_memory_bytes'), value('redis_keys')]).toEqual([2048, 3, 1_000_000, 9]);
  });

  it('read 0 for memory gauges before any memory reading', () => {
    const families = buildCacheMetricFamilies(input({ memory: undefined, degraded: false }));
    expect(familyOf(families, 'memory_tier_bytes').samples).toEqual([{ labels: labelled({}), value: 0 }]);
    expect(familyOf(families, 'degraded').samples).toEqual([{ labels: labelled({}), value: 0 }]);
  });
});
