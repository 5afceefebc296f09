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
  const slow = <T extends { at: number; durationMs: number }, R>(samples: T[], describe: (sample: T) => R) =>
    outliers(samples, thresholdMultiplier).map(([sample, timesSlower]) => ({ ...describe(sample), timestamp: new Date(sample.at).toISOString(), timesSlower }));
  return {
    keyGeneration: slow(series.keyGenerations, (s) => ({ duration: s.durationMs, textLength: s.textLength, textTier: s.textTier, operationType: s.operation })),
    cacheOperations: slow(series.cacheOperations, (s) => ({ duration: s.durationMs, operationType: s.kind, operation: s.operation, tier: s.tier })),
    compression: slow(series.compressions, (s) => ({ compressionTime: s.durationMs, originalSize: s.originalBytes, compressionRatio: ratioOf(s) })),
  };
}

function outliers<T extends { durationMs: number }>(samples: T[], multiplier: number): Array<[T, number]> {
  if (samples.length === 0) return [];
  const average = mean(samples.map((s) => s.durationMs));
  // All-zero durations (a coarse clock) have no outliers, and must not divide by zero.
  if (average <= 0) return [];
  const threshold = average * multiplier;
  return samples.filter((s) => s.durationMs > threshold).map((s) => [s, s.durationMs / average]);
}
