import { resolveCacheOptions } from '../cache-options.resolver';
import type { CacheStore } from '../stores/cache-store.interface';
import { CacheMonitorService } from './cache-monitor.service';

function monitorWith(options: Parameters<typeof resolveCacheOptions>[0] = {}) {
  let now = Date.UTC(2026, 0, 1);
  const monitor = new CacheMonitorService(resolveCacheOptions(options), () => now);
  return { monitor, advance: (ms: number) => (now += ms) };
}

function storeWith(driver: 'memory' | 'redis', health: () => Promise<{ connected: boolean; latencyMs?: number }>) {
  return {
    driver,
    health: async () => ({ ...(await health()), status: 'connected' as const }),
    stats: async () => ({ redis: { status: 'disabled' as const }, memory: { entries: 0, maxEntries: 1, bytes: 0 } }),
  } satisfies Pick<CacheStore, 'driver' | 'health' | 'stats'>;
}

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
});
