import { CompressionAnalytics, ratioOf } from './compression.analytics';

const T0 = Date.UTC(2026, 0, 1);

describe('CompressionAnalytics', () => {
  it('has no section before anything was compressed', () => {
    expect(new CompressionAnalytics(10).stats()).toBeUndefined();
  });

  it('summarises ratio, time and bytes saved over the window', () => {
    const compression = new CompressionAnalytics(10);
    compression.record({ at: T0, originalBytes: 4000, compressedBytes: 1000, durationMs: 0.5 });
    compression.record({ at: T0 + 1, originalBytes: 2000, compressedBytes: 1000, durationMs: 1.5 });
    compression.record({ at: T0 + 2, originalBytes: 2000, compressedBytes: 1800, durationMs: 1 });
    expect(compression.stats()).toEqual({
      totalOperations: 3,
      avgCompressionRatio: (0.25 + 0.5 + 0.9) / 3,
      medianCompressionRatio: 0.5,
      bestCompressionRatio: 0.25,
      worstCompressionRatio: 0.9,
      avgCompressionTime: 1,
      maxCompressionTime: 1.5,
      totalBytesProcessed: 8000,
      totalBytesSaved: 4200,
      overallSavingsPercent: 52.5,
    });
  });

  it('keeps running totals that retention does not shrink, until cleared', () => {
    const compression = new CompressionAnalytics(2);
    for (let i = 0; i < 3; i++) compression.record({ at: T0 + i, originalBytes: 100, compressedBytes: 40, durationMs: 1 });
    compression.prune(T0 + 5);
    expect(compression.stats()).toBeUndefined();
    expect(compression.runningTotals()).toEqual({ operations: 3, originalBytes: 300, compressedBytes: 120, durationMs: 3 });
    compression.clear();
    expect(compression.runningTotals()).toEqual({ operations: 0, originalBytes: 0, compressedBytes: 0, durationMs: 0 });
  });

  it('gives an empty input a ratio of 1', () => {
    expect(ratioOf({ originalBytes: 0, compressedBytes: 0 })).toBe(1);
    expect(ratioOf({ originalBytes: 10, compressedBytes: 3 })).toBe(0.3);
  });
});
