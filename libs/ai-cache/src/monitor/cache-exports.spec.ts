import { Logger } from '@nestjs/common';
import { register as promRegister } from 'prom-client';
import { monitorWith, statsStore, useQuietLogger } from './monitor.spec-support';

useQuietLogger();

describe('CacheExports (through CacheMonitorService)', () => {
    it('exposes Prometheus counters labelled by operation and tier, and latency quantiles in seconds', async () => {
      const { monitor } = monitorWith({}, statsStore('redis').store);
      monitor.recordLookup('summarize', 'memory', 2);
      monitor.recordLookup('summarize', 'redis', 4);
      monitor.recordLookup('summarize', 'miss', 1);
      monitor.recordOperation('set', 'summarize', 'redis', 3);
      const text = monitor.toPrometheus();
      expect(text).toContain('# TYPE ai_cache_hits_total counter\n');
      expect(text).toContain('ai_cache_hits_total{cache="ai_cache",operation="summarize",tier="memory"} 1\n');
      expect(text).toContain('ai_cache_hits_total{cache="ai_cache",operation="summarize",tier="redis"} 1\n');
      expect(text).toContain('ai_cache_misses_total{cache="ai_cache",operation="summarize",tier="redis"} 1\n');
      expect(text).toContain('# TYPE ai_cache_operation_duration_seconds histogram\n');
      expect(text).toContain('ai_cache_operation_duration_seconds_bucket{cache="ai_cache",kind="set",operation="summarize",tier="redis",le="0.0025"} 0\n');
      expect(text).toContain('ai_cache_operation_duration_seconds_bucket{cache="ai_cache",kind="set",operation="summarize",tier="redis",le="0.005"} 1\n');
      expect(text).toContain('ai_cache_operation_duration_seconds_bucket{cache="ai_cache",kind="set",operation="summarize",tier="redis",le="+Inf"} 1\n');
      expect(text).toContain('ai_cache_operation_duration_seconds_sum{cache="ai_cache",kind="set",operation="summarize",tier="redis"} 0.003\n');
      expect(text).toContain('ai_cache_operation_duration_seconds_count{cache="ai_cache",kind="get",operation="summarize",tier="redis"} 1\n');
      expect(text).toContain('ai_cache_operation_latency_seconds{cache="ai_cache",kind="get",operation="summarize",tier="redis",quantile="0.99"} 0.004\n');
      expect(text).toMatch(/^ai_cache_hit_ratio\{cache="ai_cache"\} 0\.666/m);
      // Every line is a comment or a sample (nothing else may end up in the exposition).
      for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) ai_cache_\w+ .+|ai_cache_\w+(\{[^}]*\})? \S+)$/);
    });

    it('exports the retained series and the totals as JSON', async () => {
      const { monitor } = monitorWith({}, statsStore().store);
      monitor.recordKeyGeneration(0.1, 50, 'small', 'qa');
      monitor.recordLookup('qa', 'miss', 0.5);
      monitor.recordOperation('set', 'qa', 'memory', 0.2);
      monitor.recordCompression(2000, 500, 0.3);
      monitor.recordInvalidation({ pattern: 'qa', keysInvalidated: 1, durationMs: 1, type: 'operation', context: 'test' });
      await monitor.sampleMemoryUsage();
      const exported = monitor.exportMetrics();
      expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
      expect(exported).toMatchObject({
        exportTimestamp: '2026-01-01T00:00:00.000Z',
        keyGenerationTimes: [{ timestamp: '2026-01-01T00:00:00.000Z', durationMs: 0.1, textLength: 50, textTier: 'small', operation: 'qa' }],
        cacheOperationTimes: [{ kind: 'get', tier: 'miss' }, { kind: 'set', tier: 'memory' }],
        compressionRatios: [{ originalBytes: 2000, compressedBytes: 500, compressionRatio: 0.25 }],
        memoryUsageMeasurements: [{ memoryCacheBytes: 4096, totalCacheSizeBytes: 4096 }],
        invalidationEvents: [{ pattern: 'qa', context: 'test' }],
        cacheHits: 0,
        cacheMisses: 1,
        totalOperations: 2,
        totalInvalidations: 1,
        totalKeysInvalidated: 1,
      });
    });

  describe('prom-client registration at bootstrap', () => {
    afterEach(() => promRegister.clear());

    it("adds the cache metrics to prom-client's global registry and removes them at shutdown", async () => {
      const { monitor } = monitorWith({}, statsStore().store);
      monitor.onApplicationBootstrap();
      monitor.recordLookup('qa', 'memory', 1);
      expect(await promRegister.metrics()).toContain('ai_cache_hits_total{cache="ai_cache",operation="qa",tier="memory"} 1');
      monitor.onApplicationShutdown();
      expect(promRegister.getSingleMetric('ai_cache_hits_total')).toBeUndefined();
    });

    it('adds every CacheModule of the process, each under its namespace as the cache label', async () => {
      const first = monitorWith({ namespace: 'tenant_a' }).monitor;
      const second = monitorWith({ namespace: 'tenant_b' }).monitor;
      first.onApplicationBootstrap();
      second.onApplicationBootstrap();
      first.recordLookup('qa', 'memory', 1);
      second.recordLookup('qa', 'miss', 1);
      const text = await promRegister.metrics();
      expect(text).toContain('ai_cache_hits_total{cache="tenant_a",operation="qa",tier="memory"} 1\n');
      expect(text).toContain('ai_cache_misses_total{cache="tenant_b",operation="qa",tier="memory"} 1\n');
      expect(Logger.prototype.warn).not.toHaveBeenCalled();
      first.onModuleDestroy();
      expect(await promRegister.metrics()).not.toContain('tenant_a');
      second.onModuleDestroy();
      expect(promRegister.getSingleMetric('ai_cache_hits_total')).toBeUndefined();
    });

    it('logs, and does not fail, when a monitor of the same namespace already registered them', () => {
      const first = monitorWith().monitor;
      const second = monitorWith().monitor;
      first.onApplicationBootstrap();
      expect(() => second.onApplicationBootstrap()).not.toThrow();
      expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining(`namespace 'ai_cache' not added`));
      expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('cache="ai_cache" is already registered'));
      second.onModuleDestroy();
      expect(promRegister.getSingleMetric('ai_cache_hits_total')).toBeDefined(); // still the first one's
      first.onModuleDestroy();
      expect(promRegister.getSingleMetric('ai_cache_hits_total')).toBeUndefined();
    });
  });
});
