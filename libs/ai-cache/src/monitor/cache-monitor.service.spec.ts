import { Logger } from '@nestjs/common';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { register as promRegister } from 'prom-client';
import { firstValueFrom, take, toArray } from 'rxjs';
import { resolveCacheOptions } from '../cache-options.resolver';
import type { CacheStore, StoreDiagnostics, StoreStats } from '../stores/cache-store.interface';
import { CacheMonitorService } from './cache-monitor.service';
import type { MemoryUsageSample } from './monitor.types';

const MiB = 1024 * 1024;

function monitorWith(options: Parameters<typeof resolveCacheOptions>[0] = {}) {
  let now = Date.UTC(2026, 0, 1);
  const monitor = new CacheMonitorService(resolveCacheOptions(options), () => now);
  return { monitor, advance: (ms: number) => (now += ms), now: () => now };
}

function storeWith(driver: 'memory' | 'redis', health: () => Promise<{ connected: boolean; latencyMs?: number }>) {
  return {
    driver,
    health: async () => ({ ...(await health()), status: 'connected' as const }),
    stats: async () => ({ redis: { status: 'disabled' as const }, memory: { entries: 0, maxEntries: 1, bytes: 0 } }),
  } satisfies Pick<CacheStore, 'driver' | 'health' | 'stats'>;
}

/** A store whose stats and diagnostics the test sets, counting the stats() calls. */
function statsStore(driver: 'memory' | 'redis' = 'memory') {
  const state: { stats: StoreStats; diagnostics: StoreDiagnostics; statsCalls: number } = {
    stats: { redis: { status: 'disabled' }, memory: { entries: 2, maxEntries: 10, bytes: 4096 } },
    diagnostics: {},
    statsCalls: 0,
  };
  const store = {
    driver,
    health: async () => ({ connected: driver === 'redis', status: 'connected' as const }),
    stats: async () => {
      state.statsCalls++;
      return structuredClone(state.stats);
    },
    diagnostics: () => state.diagnostics,
  } satisfies Pick<CacheStore, 'driver' | 'health' | 'stats' | 'diagnostics'>;
  return { store, state };
}

beforeEach(() => {
  for (const level of ['log', 'warn', 'error', 'debug'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

describe('CacheMonitorService', () => {
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

  it('reports latency percentiles per operation and tier', () => {
    const { monitor } = monitorWith();
    for (let i = 1; i <= 100; i++) monitor.recordLookup('qa', 'memory', i);
    const latency = (monitor.getPerformanceStats().cacheOperations as { latency: Record<string, Record<string, unknown>> }).latency;
    expect(latency.qa.memory).toEqual({ p50: 50, p95: 95, p99: 99, count: 100 });
  });

  it('summarises key generation with text tiers and compression savings', () => {
    const { monitor } = monitorWith();
    monitor.recordKeyGeneration(0.2, 100, 'small', 'qa');
    monitor.recordKeyGeneration(0.4, 6000, 'large', 'qa');
    monitor.recordCompression(1000, 250, 0.1);
    monitor.recordCompression(1000, 750, 0.3);
    const stats = monitor.getPerformanceStats();
    expect(stats.keyGeneration).toMatchObject({ totalOperations: 2, avgTextLength: 3050, maxTextLength: 6000, byTextTier: { small: 1, large: 1 } });
    expect(stats.compression).toMatchObject({
      totalOperations: 2,
      avgCompressionRatio: 0.5,
      bestCompressionRatio: 0.25,
      worstCompressionRatio: 0.75,
      totalBytesProcessed: 2000,
      totalBytesSaved: 1000,
      overallSavingsPercent: 50,
    });
  });

  it('keeps at most maxMeasurements samples per series and drops those older than the retention', () => {
    const { monitor, advance } = monitorWith({ monitoring: { maxMeasurements: 10, retention: '1h' } });
    for (let i = 0; i < 25; i++) monitor.recordLookup('qa', 'memory', 1);
    expect((monitor.getPerformanceStats().cacheOperations as { totalOperations: number }).totalOperations).toBe(10);
    advance(3600_001);
    monitor.recordLookup('qa', 'miss', 1);
    expect((monitor.getPerformanceStats().cacheOperations as { totalOperations: number }).totalOperations).toBe(1);
    // Counters are totals, not windowed.
    expect(monitor.getPerformanceStats().cacheHits).toBe(25);
  });

  it('tracks invalidation totals, rates, patterns and alert levels', () => {
    const { monitor, advance } = monitorWith({ monitoring: { invalidationWarningPerHour: 2, invalidationCriticalPerHour: 3 } });
    expect(monitor.getInvalidationFrequencyStats()).toMatchObject({ noInvalidations: true, totalInvalidations: 0 });
    monitor.recordInvalidation({ pattern: 'qa', keysInvalidated: 4, durationMs: 1, type: 'operation', context: 'model_update' });
    monitor.recordInvalidation({ pattern: 'qa', keysInvalidated: 2, durationMs: 3, type: 'operation', context: '' });
    let stats = monitor.getInvalidationFrequencyStats() as Record<string, any>;
    expect(stats).toMatchObject({
      totalInvalidations: 2,
      totalKeysInvalidated: 6,
      rates: { lastHour: 2 },
      thresholds: { currentAlertLevel: 'warning' },
      patterns: { mostCommonPatterns: { qa: 2 }, invalidationTypes: { operation: 2 } },
      efficiency: { avgKeysPerInvalidation: 3, avgDuration: 2, maxDuration: 3 },
    });
    monitor.recordInvalidation({ pattern: '*', keysInvalidated: 0, durationMs: 1, type: 'all', context: '' });
    expect((monitor.getInvalidationFrequencyStats() as Record<string, any>).thresholds.currentAlertLevel).toBe('critical');
    advance(3600_001);
    // Events past the retention are dropped; the running totals are not.
    stats = monitor.getInvalidationFrequencyStats() as Record<string, any>;
    expect(stats).toMatchObject({ noInvalidations: true, totalInvalidations: 3, totalKeysInvalidated: 6 });
  });

  describe('getHealth', () => {
    it('is down before a store is attached', async () => {
      const { monitor } = monitorWith();
      expect((await monitor.getHealth()).status).toBe('down');
    });

    it('is up on the memory driver, with no redis section', async () => {
      const { monitor } = monitorWith();
      monitor.attachStore(storeWith('memory', async () => ({ connected: false })));
      const health = await monitor.getHealth();
      expect(health).toEqual({ status: 'up', driver: 'memory', hitRatio: 0, alerts: [] });
    });

    it('follows Redis connectivity: up when connected, degraded with an alert when not', async () => {
      const { monitor } = monitorWith();
      let connected = true;
      monitor.attachStore(storeWith('redis', async () => ({ connected, latencyMs: 0.4 })));
      expect(await monitor.getHealth()).toMatchObject({ status: 'up', driver: 'redis', redis: { connected: true, latencyMs: 0.4 } });
      connected = false;
      const degraded = await monitor.getHealth();
      expect(degraded).toMatchObject({ status: 'degraded', redis: { connected: false } });
      expect(degraded.alerts[0].severity).toBe('warning');
    });

    it('is down, not throwing, when the health check itself fails', async () => {
      const { monitor } = monitorWith();
      monitor.attachStore(storeWith('redis', async () => Promise.reject(new Error('boom'))));
      const health = await monitor.getHealth();
      expect(health.status).toBe('down');
      expect(health.alerts.map((a) => a.message).join()).toContain('boom');
    });
  });

  it('reset clears measurements and counters', () => {
    const { monitor } = monitorWith();
    monitor.recordLookup('qa', 'memory', 1);
    monitor.recordError();
    monitor.reset();
    expect(monitor.getPerformanceStats()).toMatchObject({ cacheHits: 0, cacheMisses: 0, counters: { errors: 0 } });
    expect(monitor.getPerformanceStats().cacheOperations).toBeUndefined();
  });

  describe('memory usage', () => {
    it('reads the store and the process, and reports the seed stats from the readings', async () => {
      const { monitor } = monitorWith();
      expect(await monitor.sampleMemoryUsage()).toBeUndefined(); // no store yet
      expect(monitor.getMemoryUsageStats()).toMatchObject({ noMeasurements: true, warningThresholdMb: 50, criticalThresholdMb: 100 });

      const { store, state } = statsStore('redis');
      state.stats = { redis: { status: 'connected', keys: 40, memoryUsedBytes: 3 * MiB }, memory: { entries: 4, maxEntries: 100, bytes: MiB } };
      monitor.attachStore(store);
      const sample = (await monitor.sampleMemoryUsage()) as MemoryUsageSample;
      expect(sample).toMatchObject({ memoryCacheBytes: MiB, memoryCacheEntries: 4, memoryCacheMaxEntries: 100, redisMemoryBytes: 3 * MiB, redisKeys: 40 });
      expect(sample.processRssBytes).toBeGreaterThan(0);
      expect(sample.processHeapUsedBytes).toBeGreaterThan(0);
      expect(monitor.getMemoryUsageStats()).toMatchObject({
        current: { totalCacheSizeMb: 4, memoryCacheSizeMb: 1, redisMemoryMb: 3, cacheEntryCount: 40, memoryCacheEntryCount: 4 },
        trends: { totalMeasurements: 1 },
      });
      expect(monitor.getPerformanceStats().memoryUsage).toMatchObject({ current: { totalCacheSizeMb: 4 } });
    });

    it('shares one store reading between concurrent callers', async () => {
      const { monitor } = monitorWith();
      const { store, state } = statsStore();
      monitor.attachStore(store);
      const [a, b] = await Promise.all([monitor.sampleMemoryUsage(), monitor.sampleMemoryUsage()]);
      expect(a).toBe(b);
      expect(state.statsCalls).toBe(1);
    });

    it('measures growth between readings with the clock', async () => {
      const { monitor, advance } = monitorWith();
      const { store, state } = statsStore();
      monitor.attachStore(store);
      state.stats.memory.bytes = 2 * MiB;
      await monitor.sampleMemoryUsage();
      advance(30 * 60_000);
      state.stats.memory.bytes = 5 * MiB;
      await monitor.sampleMemoryUsage();
      expect((monitor.getMemoryUsageStats() as { trends: Record<string, number> }).trends.growthRateMbPerHour).toBeCloseTo(6);
    });

    it('warns with the configured thresholds, logs once per crossing, and puts the alert in health', async () => {
      const { monitor } = monitorWith({ monitoring: { memoryWarningBytes: 2 * MiB, memoryCriticalBytes: 4 * MiB } });
      const { store, state } = statsStore();
      monitor.attachStore(store);
      await monitor.sampleMemoryUsage();
      expect(monitor.getMemoryWarnings()).toEqual([]);

      state.stats.memory.bytes = 3 * MiB;
      await monitor.sampleMemoryUsage();
      await monitor.sampleMemoryUsage();
      expect(monitor.getMemoryWarnings()).toEqual([expect.objectContaining({ severity: 'warning' })]);
      expect(Logger.prototype.warn).toHaveBeenCalledTimes(1);
      const health = await monitor.getHealth();
      expect(health.status).toBe('up');
      expect(health.alerts).toEqual([{ severity: 'warning', message: expect.stringContaining('exceeding warning threshold of 2.0MB') }]);

      state.stats.memory.bytes = 5 * MiB;
      await monitor.sampleMemoryUsage();
      expect(Logger.prototype.error).toHaveBeenCalledTimes(1);
      expect((await monitor.getHealth()).alerts.map((a) => a.severity)).toEqual(['critical']);
    });

    it('counts a store that fails to report as an error, and records nothing', async () => {
      const { monitor } = monitorWith();
      monitor.attachStore({ ...statsStore().store, stats: async () => Promise.reject(new Error('nope')) });
      expect(await monitor.sampleMemoryUsage()).toBeUndefined();
      expect(monitor.getCounters().errors).toBe(1);
      expect(monitor.getMemoryUsageStats()).toHaveProperty('noMeasurements', true);
    });

    it('drops readings past the retention', async () => {
      const { monitor, advance } = monitorWith({ monitoring: { retention: '10m' } });
      monitor.attachStore(statsStore().store);
      await monitor.sampleMemoryUsage();
      advance(10 * 60_000 + 1);
      expect(monitor.getMemoryUsageStats()).toHaveProperty('noMeasurements', true);
    });

    it('samples every minute once the app has started (or as asked), and stops on shutdown', async () => {
      jest.useFakeTimers();
      const { monitor } = monitorWith();
      const { store, state } = statsStore();
      monitor.attachStore(store);
      monitor.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(59_999);
      expect(state.statsCalls).toBe(0); // none at bootstrap
      await jest.advanceTimersByTimeAsync(1);
      expect(state.statsCalls).toBe(1);
      monitor.startMemorySampling(1000);
      await jest.advanceTimersByTimeAsync(3000);
      expect(state.statsCalls).toBe(4);
      monitor.onModuleDestroy();
      await jest.advanceTimersByTimeAsync(120_000);
      expect(state.statsCalls).toBe(4);
      expect(() => monitor.startMemorySampling(0)).toThrow(RangeError);
    });
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

    it("reads Redis errors and short-circuited (degraded) operations from the store, relative to the last reset", () => {
      const { monitor } = monitorWith();
      const { store, state } = statsStore('redis');
      monitor.attachStore(store);
      state.diagnostics = { breaker: { state: 'open', errors: 3, timeouts: 1, shortCircuited: 10, opened: 1 }, degraded: true };
      monitor.recordEviction();
      monitor.recordCoalescedWait();
      expect(monitor.getCounters()).toMatchObject({ redisErrors: 3, degradedOperations: 10, evictions: 1, coalescedWaits: 1 });
      expect(monitor.toPrometheus()).toContain('ai_cache_degraded{cache="ai_cache"} 1\n');
      monitor.reset();
      state.diagnostics = { breaker: { state: 'closed', errors: 4, timeouts: 1, shortCircuited: 12, opened: 1 }, degraded: false };
      expect(monitor.getCounters()).toMatchObject({ redisErrors: 1, degradedOperations: 2, evictions: 0, coalescedWaits: 0 });
    });

    it('counts decrypt failures apart from corrupted entries, in JSON and Prometheus, until reset', () => {
      const { monitor } = monitorWith();
      monitor.recordDecryptFailure();
      monitor.recordDecryptFailure();
      monitor.recordCorruptedEntry();
      expect(monitor.getCounters()).toMatchObject({ decryptFailures: 2, corruptedEntries: 1 });
      expect(monitor.toPrometheus()).toContain('ai_cache_decrypt_failures_total{cache="ai_cache"} 2\n');
      monitor.reset();
      expect(monitor.getCounters().decryptFailures).toBe(0);
    });
  });

  describe('outputs', () => {
    it('exposes Prometheus counters labelled by operation and tier, and latency quantiles in seconds', async () => {
      const { monitor } = monitorWith();
      monitor.attachStore(statsStore('redis').store);
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
      const { monitor } = monitorWith();
      monitor.attachStore(statsStore().store);
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

    it('lists recent slow operations and invalidation recommendations', () => {
      const { monitor } = monitorWith();
      for (let i = 0; i < 9; i++) monitor.recordLookup('qa', 'memory', 1);
      monitor.recordLookup('qa', 'redis', 30);
      expect(monitor.getRecentSlowOperations().cacheOperations).toEqual([expect.objectContaining({ duration: 30, tier: 'redis', timesSlower: expect.closeTo(30 / 3.9) })]);
      expect(monitor.getInvalidationRecommendations()).toEqual([]);
      monitor.recordInvalidation({ pattern: 'qa', keysInvalidated: 0, durationMs: 1, type: 'operation', context: '' });
      expect(monitor.getInvalidationRecommendations().map((r) => r.issue)).toEqual(['Dominant invalidation pattern', 'Low invalidation efficiency']);
    });

    it('takes snapshots with a fresh memory reading and lookup percentiles', async () => {
      const { monitor } = monitorWith();
      const { store, state } = statsStore();
      monitor.attachStore(store);
      for (let i = 1; i <= 20; i++) monitor.recordLookup('qa', i % 4 === 0 ? 'miss' : 'memory', i);
      monitor.recordOperation('set', 'qa', 'memory', 1000); // not a lookup: not in the lookup percentiles
      const snapshot = await monitor.snapshot();
      expect(snapshot).toMatchObject({
        timestamp: '2026-01-01T00:00:00.000Z',
        hitRatio: 75,
        hits: 15,
        misses: 5,
        lookupLatencyMs: { p50: 10, p95: 19, p99: 20, count: 20 },
        memory: { memoryCacheBytes: 4096, memoryCacheEntries: 2 },
        degraded: false,
        alerts: [],
      });
      expect(state.statsCalls).toBe(1);
    });

    it('streams snapshots: cold, one timer per subscriber, stopped on unsubscribe', async () => {
      const { monitor } = monitorWith();
      const { store, state } = statsStore();
      monitor.attachStore(store);
      const snapshots = await firstValueFrom(monitor.snapshots$(5).pipe(take(3), toArray()));
      expect(snapshots).toHaveLength(3);
      expect(state.statsCalls).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(state.statsCalls).toBe(3); // nothing runs without a subscriber
      monitor.recordLookup('qa', 'memory', 1);
      expect((await firstValueFrom(monitor.snapshots$(1000))).hits).toBe(1);
      expect(() => monitor.snapshots$(-1)).toThrow(RangeError);
    });
  });

  describe('prom-client registration at bootstrap', () => {
    afterEach(() => promRegister.clear());

    it("adds the cache metrics to prom-client's global registry and removes them at shutdown", async () => {
      const { monitor } = monitorWith();
      monitor.attachStore(statsStore().store);
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

  describe('operation labels (monitoring.maxOperations, default 100)', () => {
    /** A full garbage collection, so that heap figures count what is still referenced. */
    function collectGarbage(): void {
      setFlagsFromString('--expose-gc');
      (runInNewContext('gc') as () => void)();
    }

    it('stays bounded with 10^5 distinct operation names: heap, per-operation stats and the metrics page', () => {
      const { monitor } = monitorWith();
      monitor.attachStore(statsStore('redis').store);
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
