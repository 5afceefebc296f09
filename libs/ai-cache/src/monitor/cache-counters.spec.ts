import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MiB, monitorWith, statsStore, useQuietLogger } from './monitor.spec-support';

useQuietLogger();

describe('CacheCounters and MonitoredStore (through CacheMonitorService)', () => {
  it('computes the hit ratio over lookups only, per operation and tier', () => {
    const { monitor } = monitorWith();
    monitor.recordLookup('summarize', 'memory', 0.1);
    monitor.recordLookup('summarize', 'redis', 0.5);
    monitor.recordLookup('summarize', 'miss', 0.2);
    monitor.recordLookup('qa', 'miss', 0.2);
    monitor.recordOperation('set', 'qa', 'memory', 0.3);
    monitor.recordOperation('set', 'qa', 'memory', 0.3);

    expect(monitor.getHitRatio()).toBe(50);
    const stats = monitor.getPerformanceStats();
    expect(stats).toMatchObject({
      cacheHits: 2,
      cacheMisses: 2,
      totalCacheOperations: 4,
      cacheHitRate: 50,
      hitsByTier: { memory: 1, redis: 1 },
      byOperation: { summarize: { hits: 2, misses: 1 }, qa: { hits: 0, misses: 1, hitRate: 0 } },
    });
    expect(stats.cacheOperations).toMatchObject({ totalOperations: 6, byOperationType: { get: { count: 4 }, set: { count: 2 } } });
  });

  it('reset clears measurements and counters', () => {
    const { monitor } = monitorWith();
    monitor.recordLookup('qa', 'memory', 1);
    monitor.recordError();
    monitor.reset();
    expect(monitor.getPerformanceStats()).toMatchObject({ cacheHits: 0, cacheMisses: 0, counters: { errors: 0 } });
    expect(monitor.getPerformanceStats().cacheOperations).toBeUndefined();
  });

  describe('savings and counters', () => {
    it('adds compute time and the tokens of hits whose response carries usage', () => {
      const { monitor } = monitorWith();
      monitor.recordTimeSaved(120, { result: 'a', usage: { promptTokens: 30, completionTokens: 10 } });
      monitor.recordTimeSaved(80, { usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } });
      monitor.recordTimeSaved(50, 'no usage here');
      monitor.recordTimeSaved(Number.NaN);
      const stats = monitor.getPerformanceStats();
      expect(stats.timeSavedMs).toBe(250);
      expect(stats.tokensSaved).toEqual({ promptTokens: 35, completionTokens: 15, totalTokens: 50 });
      expect(monitor.toPrometheus()).toContain('ai_cache_tokens_saved_total{cache="ai_cache"} 50\n');
    });

  });

  describe('operation labels (monitoring.maxOperations, default 100)', () => {
    /** A full garbage collection, so that heap figures count what is still referenced. */
    function collectGarbage(): void {
      setFlagsFromString('--expose-gc');
      (runInNewContext('gc') as () => void)();
    }

    it('stays bounded with 10^5 distinct operation names: heap, per-operation stats and the metrics page', () => {
      const { monitor } = monitorWith({}, statsStore('redis').store);
      collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;
      for (let i = 0; i < 100_000; i++) {
        const operation = `op_${i}`;
        monitor.recordKeyGeneration(0.01, 10, 'small', operation);
        monitor.recordLookup(operation, i % 2 === 1 ? 'memory' : 'miss', 0.02);
        monitor.recordOperation('set', operation, 'memory', 0.03);
      }
      collectGarbage();
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
      // Without the bound: ~44 MB of per-operation records, and a 28 MB metrics page.
      expect(heapGrowth).toBeLessThan(5 * MiB);
      const totals = monitor.getTotals();
      expect(Object.keys(totals.lookups)).toHaveLength(101);
      expect(totals.lookups.op_99).toEqual({ memoryHits: 1, redisHits: 0, misses: 0 });
      expect(totals.lookups.other).toEqual({ memoryHits: 49_950, redisHits: 0, misses: 49_950 });
      expect(totals.operations).toHaveLength(203); // 100 names × (get, set) + other × (get hit, get miss, set)
      expect(Object.keys(monitor.getPerformanceStats().byOperation as object)).toHaveLength(101);
      const text = monitor.toPrometheus();
      expect(text.length).toBeLessThan(2 * MiB);
      expect(text).toContain('ai_cache_hits_total{cache="ai_cache",operation="other",tier="memory"} 49950\n');
      expect(text).toContain('ai_cache_operation_duration_seconds_count{cache="ai_cache",kind="set",operation="other",tier="memory"} 99900\n');
      expect(text).not.toContain('op_100"');
      expect(new Set((monitor.exportMetrics().keyGenerationTimes as Array<{ operation: string }>).map((s) => s.operation))).toEqual(new Set(['other']));
    });

    it('follows monitoring.maxOperations, and a reset frees the labels', () => {
      const { monitor } = monitorWith({ monitoring: { maxOperations: 2 } });
      for (const operation of ['a', 'b', 'c', 'd']) monitor.recordLookup(operation, 'miss', 1);
      expect(Object.keys(monitor.getTotals().lookups)).toEqual(['a', 'b', 'other']);
      monitor.reset();
      for (const operation of ['c', 'd']) monitor.recordLookup(operation, 'miss', 1);
      expect(Object.keys(monitor.getTotals().lookups)).toEqual(['c', 'd']);
    });
  });
});
