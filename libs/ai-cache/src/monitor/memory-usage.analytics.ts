import { SampleSeries } from './sample-series';
import { max, mean, percentOf } from './statistics';
import type { MemoryUsageReport, MemoryUsageStats } from './monitor-reports.types';
import type { MemoryUsageSample, MemoryWarning } from './monitor.types';

const MiB = 1024 * 1024;
const HOUR_MS = 3600_000;
/** The seed's trend window: growth is measured over the last ten readings. */
const TREND_WINDOW = 10;
/** The in-process tier this full is worth an `info` (the seed's rule, with the real bound instead of its guessed 100). */
const FULL_MEMORY_TIER_PERCENT = 90;

export type MemoryLevel = 'normal' | 'warning' | 'critical';

/**
 * Memory readings (the seed's `record_memory_usage`, `get_memory_usage_stats`, `get_memory_warnings`)
 * over a bounded, time-ordered series. Thresholds apply to the cache's total: in-process bytes plus
 * Redis used_memory, as the seed summed them.
 */
export class MemoryUsageAnalytics extends SampleSeries<MemoryUsageSample> {
  constructor(
    capacity: number,
    private readonly thresholds: { warningBytes: number; criticalBytes: number },
  ) {
    super(capacity);
  }

  record(sample: MemoryUsageSample): void {
    this.samples.push(sample);
  }

  latest(): MemoryUsageSample | undefined {
    return this.samples.newest();
  }

  levelOf(sample: MemoryUsageSample | undefined): MemoryLevel {
    if (!sample) return 'normal';
    const total = totalBytes(sample);
    if (total >= this.thresholds.criticalBytes) return 'critical';
    if (total >= this.thresholds.warningBytes) return 'warning';
    return 'normal';
  }

  stats(): MemoryUsageStats {
    const thresholds = {
      warningThresholdMb: this.thresholds.warningBytes / MiB,
      criticalThresholdMb: this.thresholds.criticalBytes / MiB,
    };
    const all = this.samples.toArray();
    if (all.length === 0) return { noMeasurements: true as const, ...thresholds };
    const latest = all[all.length - 1];
    const recent = all.slice(-TREND_WINDOW);
    const totals = recent.map(totalBytes);
    const entryCounts = recent.map(entryCount);
    const level = this.levelOf(latest);
    const current = {
      timestamp: new Date(latest.at).toISOString(),
      totalCacheSizeMb: totalBytes(latest) / MiB,
      totalCacheSizeBytes: totalBytes(latest),
      memoryCacheSizeMb: latest.memoryCacheBytes / MiB,
      memoryCacheSizeBytes: latest.memoryCacheBytes,
      ...(latest.redisMemoryBytes !== undefined && { redisMemoryMb: latest.redisMemoryBytes / MiB, redisMemoryBytes: latest.redisMemoryBytes }),
      cacheEntryCount: entryCount(latest),
      memoryCacheEntryCount: latest.memoryCacheEntries,
      memoryCacheMaxEntries: latest.memoryCacheMaxEntries,
      memoryCacheUtilizationPercent: percentOf(latest.memoryCacheEntries, latest.memoryCacheMaxEntries),
      avgEntrySizeBytes: latest.memoryCacheEntries === 0 ? 0 : latest.memoryCacheBytes / latest.memoryCacheEntries,
      processMemoryMb: latest.processRssBytes / MiB,
      processMemoryBytes: latest.processRssBytes,
      processHeapUsedMb: latest.processHeapUsedBytes / MiB,
      cacheUtilizationPercent: percentOf(totalBytes(latest), this.thresholds.warningBytes),
      warningThresholdReached: level !== 'normal',
    };
    const trends: MemoryUsageReport['trends'] = {
      totalMeasurements: all.length,
      avgTotalCacheSizeMb: mean(totals) / MiB,
      maxTotalCacheSizeMb: max(totals) / MiB,
      avgMemoryCacheSizeMb: mean(recent.map((s) => s.memoryCacheBytes)) / MiB,
      avgEntryCount: mean(entryCounts),
      maxEntryCount: max(entryCounts),
    };
    const span = recent[recent.length - 1].at - recent[0].at;
    if (recent.length >= 2 && span > 0) {
      const bytesPerHour = ((totals[totals.length - 1] - totals[0]) / span) * HOUR_MS;
      trends.growthRateBytesPerHour = bytesPerHour;
      trends.growthRateMbPerHour = bytesPerHour / MiB;
    }
    return {
      current,
      thresholds: { ...thresholds, warningThresholdReached: level !== 'normal', criticalThresholdReached: level === 'critical' },
      trends,
    };
  }

  warnings(): MemoryWarning[] {
    const latest = this.latest();
    if (!latest) return [];
    const warnings: MemoryWarning[] = [];
    const level = this.levelOf(latest);
    const usedMb = (totalBytes(latest) / MiB).toFixed(1);
    if (level === 'critical') {
      warnings.push({
        severity: 'critical',
        message: `Cache memory usage is ${usedMb}MB, exceeding critical threshold of ${(this.thresholds.criticalBytes / MiB).toFixed(1)}MB`,
        recommendations: [
          'Consider reducing cache TTL values',
          'Implement more aggressive cache eviction (lower maxSize / maxBytes / memoryCacheSize)',
          'Review and optimize large cached responses',
          'Consider increasing memory limits or scaling horizontally',
        ],
      });
    } else if (level === 'warning') {
      warnings.push({
        severity: 'warning',
        message: `Cache memory usage is ${usedMb}MB, exceeding warning threshold of ${(this.thresholds.warningBytes / MiB).toFixed(1)}MB`,
        recommendations: [
          'Monitor cache growth closely',
          'Review cache key patterns for optimization',
          'Consider reducing memory cache size limit',
        ],
      });
    }
    const utilization = percentOf(latest.memoryCacheEntries, latest.memoryCacheMaxEntries);
    if (utilization > FULL_MEMORY_TIER_PERCENT) {
      warnings.push({
        severity: 'info',
        message: `Memory cache is ${utilization.toFixed(1)}% full (${latest.memoryCacheEntries}/${latest.memoryCacheMaxEntries} entries)`,
        recommendations: ['Memory cache eviction is working properly', 'Consider increasing memory cache size if hit rates are good'],
      });
    }
    return warnings;
  }
}

/** In-process bytes plus Redis used_memory: the figure the thresholds apply to (the seed's total). */
export function totalBytes(sample: MemoryUsageSample): number {
  return sample.memoryCacheBytes + (sample.redisMemoryBytes ?? 0);
}

/**
 * Entries of the cache. With Redis, its key count: L1 holds copies of Redis entries, and the seed's
 * sum counted them twice. Without (memory driver, or Redis unreachable), the in-process entries.
 */
function entryCount(sample: MemoryUsageSample): number {
  return sample.redisKeys ?? sample.memoryCacheEntries;
}
