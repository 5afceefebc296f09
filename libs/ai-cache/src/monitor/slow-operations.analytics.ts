import { ratioOf } from './compression.analytics';
import { mean } from './statistics';
import type { CacheOperationSample, CompressionSample, KeyGenerationSample, SlowOperations } from './monitor.types';

/**
 * The seed's `get_recent_slow_operations`: in each series, the samples slower than
 * `thresholdMultiplier` × the series' mean, oldest first, with how many times slower they were.
 * Relative on purpose: it finds outliers whatever the machine's speed (absolute thresholds are
 * `monitoring.slowOperationMs` and the slow-operation counts in the stats).
 */
export function findSlowOperations(
  series: { keyGenerations: KeyGenerationSample[]; cacheOperations: CacheOperationSample[]; compressions: CompressionSample[] },
  thresholdMultiplier: number,
): SlowOperations {
  if (!Number.isFinite(thresholdMultiplier) || thresholdMultiplier <= 0) {
    throw new RangeError(`thresholdMultiplier must be a positive number, got ${thresholdMultiplier}`);
  }
  return {
    keyGeneration: outliers(series.keyGenerations, (s) => s.durationMs, thresholdMultiplier).map(([s, timesSlower]) => ({
      duration: s.durationMs,
      textLength: s.textLength,
      textTier: s.textTier,
      operationType: s.operation,
      timestamp: new Date(s.at).toISOString(),
      timesSlower,
    })),
    cacheOperations: outliers(series.cacheOperations, (s) => s.durationMs, thresholdMultiplier).map(([s, timesSlower]) => ({
      duration: s.durationMs,
      operationType: s.kind,
      operation: s.operation,
      tier: s.tier,
      timestamp: new Date(s.at).toISOString(),
      timesSlower,
    })),
    compression: outliers(series.compressions, (s) => s.durationMs, thresholdMultiplier).map(([s, timesSlower]) => ({
      compressionTime: s.durationMs,
      originalSize: s.originalBytes,
      compressionRatio: ratioOf(s),
      timestamp: new Date(s.at).toISOString(),
      timesSlower,
    })),
  };
}

function outliers<T>(samples: T[], durationOf: (sample: T) => number, multiplier: number): Array<[T, number]> {
  if (samples.length === 0) return [];
  const average = mean(samples.map(durationOf));
  // All-zero durations (a coarse clock) have no outliers, and must not divide by zero.
  if (average <= 0) return [];
  const threshold = average * multiplier;
  return samples.filter((s) => durationOf(s) > threshold).map((s) => [s, durationOf(s) / average]);
}
