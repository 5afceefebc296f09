import { SampleSeries } from './sample-series';
import { countBy, max, mean } from './statistics';
import type { InvalidationAlertLevel, InvalidationFrequencyStats } from './monitor-reports.types';
import type { InvalidationRecommendation, InvalidationSample } from './monitor.types';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** The seed analyses patterns over the last 50 events. */
const RECENT_EVENTS = 50;
const TOP_PATTERNS = 10;

export interface InvalidationThresholds {
  warningPerHour: number;
  criticalPerHour: number;
  /** Seconds of history kept (for the average rate). */
  retentionSeconds: number;
}

/**
 * Invalidation frequency, patterns and efficiency (the seed's `record_invalidation_event`,
 * `get_invalidation_frequency_stats` and `get_invalidation_recommendations`). Running totals are
 * kept apart from the bounded event series, so they survive retention.
 */
export class InvalidationAnalytics extends SampleSeries<InvalidationSample> {
  private totalInvalidations = 0;
  private totalKeysInvalidated = 0;
  private readonly totalsByType = new Map<InvalidationSample['type'], number>();

  constructor(
    capacity: number,
    private readonly thresholds: InvalidationThresholds,
  ) {
    super(capacity);
  }

  record(event: InvalidationSample): void {
    this.samples.push(event);
    this.totalInvalidations++;
    this.totalKeysInvalidated += event.keysInvalidated;
    this.totalsByType.set(event.type, (this.totalsByType.get(event.type) ?? 0) + 1);
  }

  totals(): { invalidations: number; keysInvalidated: number; byType: Record<string, number> } {
    return { invalidations: this.totalInvalidations, keysInvalidated: this.totalKeysInvalidated, byType: Object.fromEntries(this.totalsByType) };
  }

  override clear(): void {
    super.clear();
    this.totalInvalidations = 0;
    this.totalKeysInvalidated = 0;
    this.totalsByType.clear();
  }

  countSince(since: number): number {
    let count = 0;
    for (const event of this.samples.toArray()) if (event.at > since) count++;
    return count;
  }

  levelOf(perHour: number): InvalidationAlertLevel {
    if (perHour >= this.thresholds.criticalPerHour) return 'critical';
    if (perHour >= this.thresholds.warningPerHour) return 'warning';
    return 'normal';
  }

  frequencyStats(now: number): InvalidationFrequencyStats {
    const base = {
      totalInvalidations: this.totalInvalidations,
      totalKeysInvalidated: this.totalKeysInvalidated,
      warningThresholdPerHour: this.thresholds.warningPerHour,
      criticalThresholdPerHour: this.thresholds.criticalPerHour,
    };
    const events = this.samples.toArray();
    if (events.length === 0) return { noInvalidations: true as const, ...base };
    const lastHour = events.filter((e) => e.at > now - HOUR_MS).length;
    const recent = events.slice(-RECENT_EVENTS);
    const durations = recent.map((e) => e.durationMs);
    return {
      ...base,
      rates: {
        lastHour,
        last24Hours: events.filter((e) => e.at > now - DAY_MS).length,
        // Over the retention window (at least a minute, so a tiny retention does not inflate the rate).
        averagePerHour: events.length / Math.max(this.thresholds.retentionSeconds / 3600, 1 / 60),
      },
      thresholds: {
        warningPerHour: this.thresholds.warningPerHour,
        criticalPerHour: this.thresholds.criticalPerHour,
        currentAlertLevel: this.levelOf(lastHour),
      },
      patterns: {
        mostCommonPatterns: Object.fromEntries([...countBy(recent, (e) => e.pattern)].sort((a, b) => b[1] - a[1]).slice(0, TOP_PATTERNS)),
        invalidationTypes: Object.fromEntries(countBy(recent, (e) => e.type)),
        recentEventsAnalysed: recent.length,
      },
      efficiency: {
        avgKeysPerInvalidation: this.totalInvalidations === 0 ? 0 : this.totalKeysInvalidated / this.totalInvalidations,
        avgDuration: mean(durations),
        maxDuration: max(durations),
      },
    };
  }

  /** The seed's rules: frequency, a dominant pattern, and keys per invalidation (too few or too many). */
  recommendations(now: number): InvalidationRecommendation[] {
    const events = this.samples.toArray();
    if (events.length === 0) return [];
    const recommendations: InvalidationRecommendation[] = [];
    const lastHour = events.filter((e) => e.at > now - HOUR_MS).length;
    const level = this.levelOf(lastHour);
    if (level !== 'normal') {
      recommendations.push({
        severity: level,
        issue: 'High invalidation frequency',
        message: `Cache is being invalidated ${lastHour} times per hour`,
        suggestions: [
          'Review invalidation triggers to reduce unnecessary clearing',
          'Consider using more specific patterns for selective invalidation',
          'Check if TTL values are set too low',
          'Analyze if cache warming strategy needs improvement',
        ],
      });
    }
    // The seed compared the count among the last 50 events with half of ALL retained events, so past
    // 100 events no pattern could ever dominate: compare within the same recent window instead.
    const recent = events.slice(-RECENT_EVENTS);
    const [top] = [...countBy(recent, (e) => e.pattern)].sort((a, b) => b[1] - a[1]);
    if (top && top[1] > recent.length * 0.5) {
      const [pattern, count] = top;
      recommendations.push({
        severity: 'info',
        issue: 'Dominant invalidation pattern',
        message: `Pattern '${pattern}' accounts for ${count} of the last ${recent.length} invalidations`,
        suggestions: [
          `Consider optimizing operations that trigger '${pattern}' invalidations`,
          'Evaluate if this pattern could be made more specific',
          'Check if related data could be cached with different strategies',
        ],
      });
    }
    const avgKeys = this.totalKeysInvalidated / this.totalInvalidations;
    if (avgKeys < 1) {
      recommendations.push({
        severity: 'info',
        issue: 'Low invalidation efficiency',
        message: `Average of ${avgKeys.toFixed(1)} keys invalidated per operation`,
        suggestions: [
          'Many invalidation operations are not finding keys to clear',
          'Consider using more targeted patterns',
          'Review if cache keys are structured optimally for invalidation',
        ],
      });
    } else if (avgKeys > 100) {
      recommendations.push({
        severity: 'warning',
        issue: 'High invalidation impact',
        message: `Average of ${avgKeys.toFixed(0)} keys invalidated per operation`,
        suggestions: [
          'Invalidation operations are clearing large numbers of entries',
          'Consider using more selective patterns to preserve valid cache entries',
          'Evaluate if smaller, more frequent invalidations would be better',
        ],
      });
    }
    return recommendations;
  }
}
