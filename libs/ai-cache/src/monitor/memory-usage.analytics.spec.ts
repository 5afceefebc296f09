import type { MemoryUsageReport } from './monitor-reports.types';
import { MemoryUsageAnalytics, totalBytes } from './memory-usage.analytics';
import type { MemoryUsageSample } from './monitor.types';

const MiB = 1024 * 1024;
const T0 = Date.UTC(2026, 0, 1);

function reading(at: number, overrides: Partial<MemoryUsageSample> = {}): MemoryUsageSample {
  return {
    at,
    memoryCacheBytes: 1 * MiB,
    memoryCacheEntries: 10,
    memoryCacheMaxEntries: 100,
    processRssBytes: 80 * MiB,
    processHeapUsedBytes: 40 * MiB,
    ...overrides,
  };
}

describe('MemoryUsageAnalytics', () => {
  const analytics = () => new MemoryUsageAnalytics(100, { warningBytes: 50 * MiB, criticalBytes: 100 * MiB });

  it('says there are no measurements yet, with the thresholds in MB', () => {
    expect(analytics().stats()).toEqual({ noMeasurements: true, warningThresholdMb: 50, criticalThresholdMb: 100 });
    expect(analytics().warnings()).toEqual([]);
  });

  it('reports the latest reading: in-process plus Redis bytes, Redis keys as the entry count, process memory', () => {
    const memory = analytics();
    memory.record(reading(T0, { memoryCacheBytes: 2 * MiB, memoryCacheEntries: 4, redisMemoryBytes: 8 * MiB, redisKeys: 40 }));
    const stats = memory.stats() as MemoryUsageReport;
    expect(stats.current).toMatchObject({
      timestamp: new Date(T0).toISOString(),
      totalCacheSizeMb: 10,
      totalCacheSizeBytes: 10 * MiB,
      memoryCacheSizeMb: 2,
      redisMemoryMb: 8,
      // L1 entries are copies of Redis entries: not counted twice (the seed summed them).
      cacheEntryCount: 40,
      memoryCacheEntryCount: 4,
      memoryCacheUtilizationPercent: 4,
      avgEntrySizeBytes: MiB / 2,
      processMemoryMb: 80,
      processHeapUsedMb: 40,
      cacheUtilizationPercent: 20,
      warningThresholdReached: false,
    });
    expect(stats.thresholds).toEqual({ warningThresholdMb: 50, criticalThresholdMb: 100, warningThresholdReached: false, criticalThresholdReached: false });
  });

  it('computes trends over the last ten readings, with the growth rate per hour', () => {
    const memory = analytics();
    // 12 readings a minute apart growing 1 MiB each: the window is the last 10 (9 minutes, +9 MiB).
    for (let i = 0; i < 12; i++) memory.record(reading(T0 + i * 60_000, { memoryCacheBytes: (i + 1) * MiB, memoryCacheEntries: i + 1 }));
    const { trends } = memory.stats() as { trends: Record<string, number> };
    expect(trends.totalMeasurements).toBe(12);
    expect(trends.maxTotalCacheSizeMb).toBe(12);
    expect(trends.avgTotalCacheSizeMb).toBe(7.5);
    expect(trends.maxEntryCount).toBe(12);
    expect(trends.growthRateMbPerHour).toBeCloseTo(60);
    expect(trends.growthRateBytesPerHour).toBeCloseTo(60 * MiB);
  });

  it('reports a negative growth when the cache shrinks, and none from a single reading', () => {
    const memory = analytics();
    memory.record(reading(T0, { memoryCacheBytes: 4 * MiB }));
    expect((memory.stats() as { trends: object }).trends).not.toHaveProperty('growthRateMbPerHour');
    memory.record(reading(T0 + 1800_000, { memoryCacheBytes: 3 * MiB }));
    expect((memory.stats() as { trends: Record<string, number> }).trends.growthRateMbPerHour).toBeCloseTo(-2);
  });

  it('warns at the warning threshold and is critical at the critical one (one of the two, as the seed)', () => {
    const memory = analytics();
    memory.record(reading(T0, { memoryCacheBytes: 30 * MiB, redisMemoryBytes: 20 * MiB }));
    expect(memory.levelOf(memory.latest())).toBe('warning');
    expect(memory.warnings()).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('50.0MB, exceeding warning threshold of 50.0MB') }),
    ]);
    expect(memory.warnings()[0].recommendations.length).toBeGreaterThan(0);

    memory.record(reading(T0 + 1, { memoryCacheBytes: 101 * MiB }));
    const warnings = memory.warnings();
    expect(warnings.map((w) => w.severity)).toEqual(['critical']);
    expect(warnings[0].message).toContain('exceeding critical threshold of 100.0MB');
    expect((memory.stats() as { thresholds: object }).thresholds).toMatchObject({ warningThresholdReached: true, criticalThresholdReached: true });
  });

  it('adds an info when the in-process tier is more than 90% of its real bound', () => {
    const memory = analytics();
    memory.record(reading(T0, { memoryCacheEntries: 91, memoryCacheMaxEntries: 100 }));
    expect(memory.warnings()).toEqual([expect.objectContaining({ severity: 'info', message: 'Memory cache is 91.0% full (91/100 entries)' })]);
    memory.record(reading(T0 + 1, { memoryCacheEntries: 900, memoryCacheMaxEntries: 1000 }));
    expect(memory.warnings()).toEqual([]);
  });

  it('keeps a bounded series, prunes by time and clears', () => {
    const memory = new MemoryUsageAnalytics(3, { warningBytes: MiB, criticalBytes: 2 * MiB });
    for (let i = 0; i < 5; i++) memory.record(reading(T0 + i));
    expect(memory.toArray().map((s) => s.at)).toEqual([T0 + 2, T0 + 3, T0 + 4]);
    memory.prune(T0 + 3);
    expect(memory.toArray().map((s) => s.at)).toEqual([T0 + 4]);
    memory.clear();
    expect(memory.latest()).toBeUndefined();
  });

  it('totals in-process and Redis bytes', () => {
    expect(totalBytes(reading(T0, { memoryCacheBytes: 5, redisMemoryBytes: 7 }))).toBe(12);
    expect(totalBytes(reading(T0, { memoryCacheBytes: 5 }))).toBe(5);
  });
});
