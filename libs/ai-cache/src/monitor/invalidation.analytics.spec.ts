import { InvalidationAnalytics } from './invalidation.analytics';
import type { InvalidationSample } from './monitor.types';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3600_000;

function event(at: number, overrides: Partial<InvalidationSample> = {}): InvalidationSample {
  return { at, pattern: 'summarize', keysInvalidated: 5, durationMs: 2, type: 'operation', context: '', ...overrides };
}

describe('InvalidationAnalytics', () => {
  const analytics = (warningPerHour = 50, criticalPerHour = 100) =>
    new InvalidationAnalytics(1000, { warningPerHour, criticalPerHour, retentionSeconds: 3600 });

  it('reports rates over the last hour and day, and the average over the retention', () => {
    const invalidation = analytics();
    invalidation.record(event(T0 - 2 * HOUR));
    invalidation.record(event(T0 - 30 * 60_000));
    invalidation.record(event(T0 - 1));
    const stats = invalidation.frequencyStats(T0) as Record<string, any>;
    expect(stats.rates).toEqual({ lastHour: 2, last24Hours: 3, averagePerHour: 3 });
    expect(stats.thresholds).toEqual({ warningPerHour: 50, criticalPerHour: 100, currentAlertLevel: 'normal' });
  });

  it('counts patterns and types over the last 50 events, most common first', () => {
    const invalidation = analytics();
    for (let i = 0; i < 60; i++) invalidation.record(event(T0 + i, { pattern: i < 20 ? 'old' : i % 3 === 0 ? 'qa' : 'summarize', type: i % 2 ? 'pattern' : 'operation' }));
    // The last 50 are i = 10..59: 10 'old', 13 multiples of 3 from 21 to 57, 27 others.
    const { patterns } = invalidation.frequencyStats(T0 + 100) as Record<string, any>;
    expect(Object.keys(patterns.mostCommonPatterns)).toEqual(['summarize', 'qa', 'old']);
    expect(patterns.mostCommonPatterns).toEqual({ summarize: 27, qa: 13, old: 10 });
    expect(patterns.invalidationTypes).toEqual({ operation: 25, pattern: 25 });
    expect(patterns.recentEventsAnalysed).toBe(50);
  });

  it('keeps running totals through pruning, and says when no events are retained', () => {
    const invalidation = analytics();
    invalidation.record(event(T0, { keysInvalidated: 3, type: 'pattern' }));
    invalidation.record(event(T0 + 1, { keysInvalidated: 0, type: 'all' }));
    invalidation.prune(T0 + 1);
    expect(invalidation.frequencyStats(T0 + 2)).toEqual({
      noInvalidations: true,
      totalInvalidations: 2,
      totalKeysInvalidated: 3,
      warningThresholdPerHour: 50,
      criticalThresholdPerHour: 100,
    });
    expect(invalidation.totals()).toEqual({ invalidations: 2, keysInvalidated: 3, byType: { pattern: 1, all: 1 } });
    invalidation.clear();
    expect(invalidation.totals()).toEqual({ invalidations: 0, keysInvalidated: 0, byType: {} });
  });

  describe('recommendations (the seed rules)', () => {
    it('none without events', () => {
      expect(analytics().recommendations(T0)).toEqual([]);
    });

    it('flags high frequency at the warning and critical thresholds', () => {
      const invalidation = analytics(3, 5);
      for (let i = 0; i < 3; i++) invalidation.record(event(T0 + i, { pattern: `p${i}` }));
      expect(invalidation.recommendations(T0 + 10)).toEqual([
        expect.objectContaining({ severity: 'warning', issue: 'High invalidation frequency', message: 'Cache is being invalidated 3 times per hour' }),
      ]);
      for (let i = 3; i < 5; i++) invalidation.record(event(T0 + i, { pattern: `p${i}` }));
      expect(invalidation.recommendations(T0 + 10)[0]).toMatchObject({ severity: 'critical', issue: 'High invalidation frequency' });
      // An hour later the same events no longer count towards the rate.
      expect(invalidation.recommendations(T0 + HOUR + 10)).toEqual([]);
    });

    it('flags a pattern behind more than half of the recent invalidations, even past 100 retained events', () => {
      const invalidation = analytics(1000, 2000);
      for (let i = 0; i < 120; i++) invalidation.record(event(T0 + i, { pattern: i < 80 ? `other${i}` : 'summarize' }));
      const recommendations = invalidation.recommendations(T0 + 200);
      expect(recommendations).toEqual([
        expect.objectContaining({ severity: 'info', issue: 'Dominant invalidation pattern', message: "Pattern 'summarize' accounts for 40 of the last 50 invalidations" }),
      ]);
      expect(recommendations[0].suggestions[0]).toContain("'summarize'");
    });

    it('flags invalidations that find nothing, and ones that clear too much', () => {
      const empty = analytics();
      empty.record(event(T0, { pattern: 'a', keysInvalidated: 0 }));
      empty.record(event(T0 + 1, { pattern: 'b', keysInvalidated: 1 }));
      expect(empty.recommendations(T0 + 2)).toEqual([
        expect.objectContaining({ severity: 'info', issue: 'Low invalidation efficiency', message: 'Average of 0.5 keys invalidated per operation' }),
      ]);

      const wide = analytics();
      wide.record(event(T0, { pattern: 'a', keysInvalidated: 250 }));
      wide.record(event(T0 + 1, { pattern: 'b', keysInvalidated: 150 }));
      expect(wide.recommendations(T0 + 2)).toEqual([
        expect.objectContaining({ severity: 'warning', issue: 'High invalidation impact', message: 'Average of 200 keys invalidated per operation' }),
      ]);
    });
  });
});
