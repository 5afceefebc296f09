import { Logger } from '@nestjs/common';
import { monitorWith, useQuietLogger } from './monitor.spec-support';

useQuietLogger();

describe('CacheTimeSeries (through CacheMonitorService)', () => {
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

  it('logs an invalidation rate once per threshold crossing', () => {
    const { monitor } = monitorWith({ monitoring: { invalidationWarningPerHour: 2, invalidationCriticalPerHour: 3 } });
    const invalidate = () => monitor.recordInvalidation({ pattern: 'qa', keysInvalidated: 1, durationMs: 1, type: 'operation', context: '' });
    invalidate();
    invalidate();
    invalidate();
    invalidate();
    expect(Logger.prototype.warn).toHaveBeenCalledTimes(1);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining('2 invalidations in the last hour (warning threshold)'));
    expect(Logger.prototype.error).toHaveBeenCalledTimes(1);
    expect(Logger.prototype.error).toHaveBeenCalledWith(expect.stringContaining('3 invalidations in the last hour (critical threshold)'));
  });
});
