import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import { CacheCounters } from './cache-counters';
import type { CacheMonitorTotals } from './cache-metrics';
import { CacheTimeSeries } from './cache-time-series';
import type {
  CacheOperationStats,
  DurationSummary,
  InvalidationFrequencyStats,
  KeyGenerationStats,
  MemoryUsageStats,
  PerformanceStats,
} from './monitor-reports.types';
import type { CacheMonitorCounters, InvalidationRecommendation, MemoryWarning, SlowOperations } from './monitor.types';
import { MonitoredStore } from './monitored-store';
import { findSlowOperations } from './slow-operations.analytics';
import { countBy, groupBy, max, mean, median, min } from './statistics';

/** Key generation slower than this is "slow" (the seed's key_generation_threshold: 100 ms). */
const SLOW_KEY_GENERATION_MS = 100;

/**
 * The seed's reports, typed: performance statistics, memory statistics and warnings, invalidation
 * frequency and recommendations, slow operations; and the counters and totals they are built on
 * (the cache's own counters plus the store's, relative to the last reset).
 */
@Injectable()
export class CacheReports {
  private readonly retentionSeconds: number;
  private readonly slowOperationMs: number;

  constructor(
    @Inject(RESOLVED_CACHE_OPTIONS) options: ResolvedCacheOptions,
    private readonly counters: CacheCounters,
    private readonly series: CacheTimeSeries,
    private readonly store: MonitoredStore,
  ) {
    this.retentionSeconds = options.monitoring.retention;
    this.slowOperationMs = options.monitoring.slowOperationMs;
  }

  /** Running totals of the events that are not timings. */
  getCounters(): CacheMonitorCounters {
    return { ...this.counters.eventCounters(), ...this.store.breakerCounters() };
  }

  /** Every running total since start or reset (what Prometheus counters are built from). */
  getTotals(): CacheMonitorTotals {
    return {
      ...this.counters.totals(this.getCounters()),
      invalidations: this.series.invalidation.totals(),
      compression: this.series.compression.runningTotals(),
    };
  }

  getPerformanceStats(): PerformanceStats {
    this.series.prune();
    const { counters, series } = this;
    const stats: PerformanceStats = {
      timestamp: new Date(series.now()).toISOString(),
      retentionHours: this.retentionSeconds / 3600,
      cacheHitRate: counters.hitRatio(),
      totalCacheOperations: counters.hitCount + counters.missCount,
      cacheHits: counters.hitCount,
      cacheMisses: counters.missCount,
      hitsByTier: counters.hitsByTier(),
      byOperation: counters.byOperation(),
      counters: this.getCounters(),
      timeSavedMs: counters.timeSavedMs(),
      tokensSaved: counters.tokensSaved(),
    };
    // Redis errors are absorbed by the fail-open store (they never reach the service): its own counters say them.
    const diagnostics = this.store.diagnostics();
    if (diagnostics) stats.store = diagnostics;
    const keyGeneration = this.keyGenerationStats();
    if (keyGeneration) stats.keyGeneration = keyGeneration;
    const cacheOperations = this.cacheOperationStats();
    if (cacheOperations) stats.cacheOperations = cacheOperations;
    const compression = series.compression.stats();
    if (compression) stats.compression = compression;
    if (series.memory.size > 0) stats.memoryUsage = series.memory.stats();
    if (series.invalidation.size > 0) stats.invalidation = this.getInvalidationFrequencyStats();
    return stats;
  }

  /** Over the recorded readings: `current`, `thresholds`, `trends`, or `{ noMeasurements: true, … }`. */
  getMemoryUsageStats(): MemoryUsageStats {
    this.series.prune();
    return this.series.memory.stats();
  }

  /** Critical / warning against the thresholds; info when the memory tier is >90% full. */
  getMemoryWarnings(): MemoryWarning[] {
    this.series.prune();
    return this.series.memory.warnings();
  }

  getInvalidationFrequencyStats(): InvalidationFrequencyStats {
    this.series.prune();
    return this.series.invalidation.frequencyStats(this.series.now());
  }

  /** The seed's rules: high frequency, a dominant pattern, too few or too many keys per invalidation. */
  getInvalidationRecommendations(): InvalidationRecommendation[] {
    this.series.prune();
    return this.series.invalidation.recommendations(this.series.now());
  }

  /** Samples slower than `thresholdMultiplier` × their series' mean, per series (the seed's outlier view). */
  getRecentSlowOperations(thresholdMultiplier = 2): SlowOperations {
    this.series.prune();
    const { keyGenerations, operations, compression } = this.series;
    return findSlowOperations(
      { keyGenerations: keyGenerations.toArray(), cacheOperations: operations.toArray(), compressions: compression.toArray() },
      thresholdMultiplier,
    );
  }

  private keyGenerationStats(): KeyGenerationStats | undefined {
    const samples = this.series.keyGenerations.toArray();
    if (samples.length === 0) return undefined;
    const durations = samples.map((s) => s.durationMs);
    const lengths = samples.map((s) => s.textLength);
    return {
      totalOperations: samples.length,
      ...summarize(durations),
      avgTextLength: mean(lengths),
      maxTextLength: max(lengths),
      slowOperations: durations.filter((d) => d > SLOW_KEY_GENERATION_MS).length,
      byTextTier: Object.fromEntries(countBy(samples, (s) => s.textTier)),
    };
  }

  private cacheOperationStats(): CacheOperationStats | undefined {
    const samples = this.series.operations.toArray();
    if (samples.length === 0) return undefined;
    const durations = samples.map((s) => s.durationMs);
    const latency: CacheOperationStats['latency'] = {};
    for (const { first, latency: percentiles } of this.series.latencyGroups((s) => `${s.operation}\u0000${s.tier}`, samples)) {
      (latency[first.operation] ??= {})[first.tier] = percentiles;
    }
    return {
      totalOperations: samples.length,
      ...summarize(durations),
      slowOperations: durations.filter((d) => d > this.slowOperationMs).length,
      byOperationType: Object.fromEntries(
        [...groupBy(samples, (s) => s.kind)].map(([kind, group]) => {
          const d = group.map((s) => s.durationMs);
          return [kind, { count: d.length, avgDuration: mean(d), maxDuration: max(d) }];
        }),
      ),
      latency,
    };
  }
}

function summarize(durations: number[]): DurationSummary {
  return { avgDuration: mean(durations), medianDuration: median(durations), maxDuration: max(durations), minDuration: min(durations) };
}
