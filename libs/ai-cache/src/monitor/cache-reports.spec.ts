import { monitorWith, useQuietLogger } from './monitor.spec-support';

useQuietLogger();

describe('CacheReports and CacheTimeSeries (through CacheMonitorService)', () => {
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

  it('lists recent slow operations and invalidation recommendations', () => {
    const { monitor } = monitorWith();
    for (let i = 0; i < 9; i++) monitor.recordLookup('qa', 'memory', 1);
    monitor.recordLookup('qa', 'redis', 30);
    expect(monitor.getRecentSlowOperations().cacheOperations).toEqual([expect.objectContaining({ duration: 30, tier: 'redis', timesSlower: expect.closeTo(30 / 3.9) })]);
    expect(monitor.getInvalidationRecommendations()).toEqual([]);
    monitor.recordInvalidation({ pattern: 'qa', keysInvalidated: 0, durationMs: 1, type: 'operation', context: '' });
    expect(monitor.getInvalidationRecommendations().map((r) => r.issue)).toEqual(['Dominant invalidation pattern', 'Low invalidation efficiency']);
  });
});
