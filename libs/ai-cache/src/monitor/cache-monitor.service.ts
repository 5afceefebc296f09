import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { RESOLVED_CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import type { CacheStore } from '../stores/cache-store.interface';
import { RingBuffer } from './ring-buffer';
import { max, mean, median, min, percentile } from './statistics';
import type {
  CacheAlert,
  CacheHealth,
  CacheOperationKind,
  CacheOperationSample,
  Clock,
  CompressionSample,
  InvalidationSample,
  KeyGenerationSample,
  OperationTier,
} from './monitor.types';

/** Injection token for the monitor's clock (tests give a controllable one). */
export const CACHE_MONITOR_CLOCK = Symbol('AI_CACHE_MONITOR_CLOCK');

const HOUR_MS = 3600_000;
/** Key generation slower than this is "slow" (the seed's key_generation_threshold: 100 ms). */
const SLOW_KEY_GENERATION_MS = 100;

interface HitMissCounter {
  hits: number;
  misses: number;
}

/**
 * Everything the cache measures about itself: hit ratio over lookups, timings in bounded ring
 * buffers, compression, invalidations, errors, and health. The cache service reports to it; apps
 * inject it into health and metrics controllers. All durations are milliseconds.
 */
@Injectable()
export class CacheMonitorService {
  private readonly logger = new Logger('AICache');
  private readonly clock: Clock;
  private readonly config: ResolvedCacheOptions['monitoring'];
  private store?: Pick<CacheStore, 'driver' | 'health' | 'stats' | 'diagnostics'>;

  private readonly keyGenerations: RingBuffer<KeyGenerationSample>;
  private readonly cacheOperations: RingBuffer<CacheOperationSample>;
  private readonly compressions: RingBuffer<CompressionSample>;
  private readonly invalidations: RingBuffer<InvalidationSample>;

  private hits = 0;
  private misses = 0;
  private readonly byOperation = new Map<string, HitMissCounter>();
  private readonly hitsByTier = { memory: 0, redis: 0 };
  private totalInvalidations = 0;
  private totalKeysInvalidated = 0;
  private readonly counters = {
    errors: 0,
    evictions: 0,
    coalescedWaits: 0,
    oversizeSkipped: 0,
    corruptedEntries: 0,
    computations: 0,
  };
  private computeTimeSavedMs = 0;

  constructor(
    @Inject(RESOLVED_CACHE_OPTIONS) options: ResolvedCacheOptions,
    @Optional() @Inject(CACHE_MONITOR_CLOCK) clock?: Clock,
  ) {
    this.clock = clock ?? Date.now;
    this.config = options.monitoring;
    const capacity = options.monitoring.maxMeasurements;
    this.keyGenerations = new RingBuffer(capacity);
    this.cacheOperations = new RingBuffer(capacity);
    this.compressions = new RingBuffer(capacity);
    this.invalidations = new RingBuffer(capacity);
  }

  /** Called once by the store provider, so health can ask the store without a DI cycle. */
  attachStore(store: Pick<CacheStore, 'driver' | 'health' | 'stats' | 'diagnostics'>): void {
    this.store = store;
  }

  // ---- recording (hot path: O(1), no allocation beyond the sample) ----

  recordKeyGeneration(durationMs: number, textLength: number, textTier: string, operation: string): void {
    this.keyGenerations.push({ at: this.clock(), durationMs, textLength, textTier, operation });
  }

  /** A lookup: `tier` is where it hit, or `miss`. Only lookups count towards the hit ratio. */
  recordLookup(operation: string, tier: OperationTier, durationMs: number): void {
    const counter = this.counterFor(operation);
    if (tier === 'miss') {
      this.misses++;
      counter.misses++;
    } else {
      this.hits++;
      counter.hits++;
      this.hitsByTier[tier]++;
    }
    this.cacheOperations.push({ at: this.clock(), durationMs, kind: 'get', operation, tier });
  }

  /** A hit on an entry that cost `computeMs` to produce: that much model time was saved. */
  recordTimeSaved(computeMs: number): void {
    this.computeTimeSavedMs += computeMs;
  }

  recordOperation(kind: Exclude<CacheOperationKind, 'get'>, operation: string, tier: OperationTier, durationMs: number): void {
    this.cacheOperations.push({ at: this.clock(), durationMs, kind, operation, tier });
  }

  recordCompression(originalBytes: number, compressedBytes: number, durationMs: number): void {
    this.compressions.push({ at: this.clock(), originalBytes, compressedBytes, durationMs });
  }

  recordComputation(): void {
    this.counters.computations++;
  }

  recordInvalidation(sample: Omit<InvalidationSample, 'at'>): void {
    this.invalidations.push({ ...sample, at: this.clock() });
    this.totalInvalidations++;
    this.totalKeysInvalidated += sample.keysInvalidated;
    const lastHour = this.invalidationsSince(this.clock() - HOUR_MS);
    if (lastHour === this.config.invalidationCriticalPerHour || lastHour === this.config.invalidationWarningPerHour) {
      // Logged when the threshold is crossed, not on every later invalidation.
      this.logger.warn(`High invalidation rate: ${lastHour} invalidations in the last hour`);
    }
  }

  recordCoalescedWait(): void {
    this.counters.coalescedWaits++;
  }

  recordEviction(): void {
    this.counters.evictions++;
  }

  recordCorruptedEntry(): void {
    this.counters.corruptedEntries++;
  }

  recordOversize(): void {
    this.counters.oversizeSkipped++;
  }

  recordError(): void {
    this.counters.errors++;
  }

  // ---- reading ----

  /** Percent of lookups that hit (writes never count: the seed's denominator bug). */
  getHitRatio(): number {
    const lookups = this.hits + this.misses;
    return lookups === 0 ? 0 : (this.hits / lookups) * 100;
  }

  getPerformanceStats(): Record<string, unknown> {
    this.prune();
    // Redis errors are absorbed by the fail-open store (they never reach the service): read its counters.
    const diagnostics = this.store?.diagnostics?.();
    const stats: Record<string, unknown> = {
      timestamp: new Date(this.clock()).toISOString(),
      retentionHours: this.config.retention / 3600,
      cacheHitRate: this.getHitRatio(),
      totalCacheOperations: this.hits + this.misses,
      cacheHits: this.hits,
      cacheMisses: this.misses,
      hitsByTier: { ...this.hitsByTier },
      byOperation: Object.fromEntries(
        [...this.byOperation].map(([op, c]) => [op, { ...c, hitRate: ratio(c.hits, c.hits + c.misses) }]),
      ),
      counters: { ...this.counters, redisErrors: diagnostics?.breaker?.errors ?? 0 },
      timeSavedMs: this.computeTimeSavedMs,
    };
    if (diagnostics) stats.store = diagnostics;
    const keyGenerations = this.keyGenerations.toArray();
    if (keyGenerations.length > 0) {
      const durations = keyGenerations.map((s) => s.durationMs);
      const lengths = keyGenerations.map((s) => s.textLength);
      stats.keyGeneration = {
        totalOperations: keyGenerations.length,
        ...summarize(durations),
        avgTextLength: mean(lengths),
        maxTextLength: max(lengths),
        slowOperations: durations.filter((d) => d > SLOW_KEY_GENERATION_MS).length,
        byTextTier: Object.fromEntries(countBy(keyGenerations, (s) => s.textTier)),
      };
    }
    const operations = this.cacheOperations.toArray();
    if (operations.length > 0) {
      const durations = operations.map((s) => s.durationMs);
      const byType = groupBy(operations, (s) => s.kind);
      stats.cacheOperations = {
        totalOperations: operations.length,
        ...summarize(durations),
        slowOperations: durations.filter((d) => d > this.config.slowOperationMs).length,
        byOperationType: Object.fromEntries(
          [...byType].map(([kind, samples]) => {
            const d = samples.map((s) => s.durationMs);
            return [kind, { count: d.length, avgDuration: mean(d), maxDuration: max(d) }];
          }),
        ),
        latency: this.latencyPercentiles(operations),
      };
    }
    const compressions = this.compressions.toArray();
    if (compressions.length > 0) {
      const ratios = compressions.map((s) => s.compressedBytes / s.originalBytes);
      const original = compressions.reduce((sum, s) => sum + s.originalBytes, 0);
      const compressed = compressions.reduce((sum, s) => sum + s.compressedBytes, 0);
      const times = compressions.map((s) => s.durationMs);
      stats.compression = {
        totalOperations: compressions.length,
        avgCompressionRatio: mean(ratios),
        medianCompressionRatio: median(ratios),
        bestCompressionRatio: min(ratios),
        worstCompressionRatio: max(ratios),
        avgCompressionTime: mean(times),
        maxCompressionTime: max(times),
        totalBytesProcessed: original,
        totalBytesSaved: original - compressed,
        overallSavingsPercent: ratio(original - compressed, original),
      };
    }
    if (this.invalidations.size > 0) stats.invalidation = this.getInvalidationFrequencyStats();
    return stats;
  }

  getInvalidationFrequencyStats(): Record<string, unknown> {
    this.prune();
    const events = this.invalidations.toArray();
    const base = {
      totalInvalidations: this.totalInvalidations,
      totalKeysInvalidated: this.totalKeysInvalidated,
      warningThresholdPerHour: this.config.invalidationWarningPerHour,
      criticalThresholdPerHour: this.config.invalidationCriticalPerHour,
    };
    if (events.length === 0) return { noInvalidations: true, ...base };
    const now = this.clock();
    const lastHour = events.filter((e) => e.at > now - HOUR_MS).length;
    const recent = events.slice(-50);
    const durations = recent.map((e) => e.durationMs);
    return {
      ...base,
      rates: {
        lastHour,
        last24Hours: events.filter((e) => e.at > now - 24 * HOUR_MS).length,
        averagePerHour: events.length / Math.max(this.config.retention / 3600, 1 / 60),
      },
      thresholds: {
        warningPerHour: this.config.invalidationWarningPerHour,
        criticalPerHour: this.config.invalidationCriticalPerHour,
        currentAlertLevel: this.invalidationAlertLevel(lastHour),
      },
      patterns: {
        mostCommonPatterns: Object.fromEntries(
          [...countBy(recent, (e) => e.pattern)].sort((a, b) => b[1] - a[1]).slice(0, 10),
        ),
        invalidationTypes: Object.fromEntries(countBy(recent, (e) => e.type)),
      },
      efficiency: {
        avgKeysPerInvalidation: this.totalKeysInvalidated / this.totalInvalidations,
        avgDuration: mean(durations),
        maxDuration: max(durations),
      },
    };
  }

  async getHealth(): Promise<CacheHealth> {
    const alerts = this.currentAlerts();
    const base = { hitRatio: this.getHitRatio(), alerts };
    if (!this.store) return { status: 'down', driver: 'memory', ...base, alerts: [...alerts, { severity: 'critical', message: 'Cache store is not initialised' }] };
    try {
      const health = await this.store.health();
      if (this.store.driver === 'memory') return { status: 'up', driver: 'memory', ...base };
      const redis = { connected: health.connected, ...(health.latencyMs !== undefined && { latencyMs: health.latencyMs }) };
      if (health.connected) return { status: 'up', driver: 'redis', redis, ...base };
      return {
        status: 'degraded',
        driver: 'redis',
        redis,
        ...base,
        alerts: [...alerts, { severity: 'warning', message: 'Redis is unreachable: serving from the memory tier only' }],
      };
    } catch (error) {
      this.recordError();
      const message = `Cache health check failed: ${(error as Error).message}`;
      return { status: 'down', driver: this.store.driver, ...base, alerts: [...alerts, { severity: 'critical', message }] };
    }
  }

  /** Clears every measurement and counter (the seed's reset_stats). */
  reset(): void {
    this.keyGenerations.clear();
    this.cacheOperations.clear();
    this.compressions.clear();
    this.invalidations.clear();
    this.hits = 0;
    this.misses = 0;
    this.byOperation.clear();
    this.hitsByTier.memory = 0;
    this.hitsByTier.redis = 0;
    this.totalInvalidations = 0;
    this.totalKeysInvalidated = 0;
    for (const key of Object.keys(this.counters) as (keyof typeof this.counters)[]) this.counters[key] = 0;
    this.computeTimeSavedMs = 0;
  }

  // ---- internals ----

  private counterFor(operation: string): HitMissCounter {
    let counter = this.byOperation.get(operation);
    if (!counter) {
      counter = { hits: 0, misses: 0 };
      this.byOperation.set(operation, counter);
    }
    return counter;
  }

  private latencyPercentiles(samples: CacheOperationSample[]): Record<string, Record<string, { p50: number; p95: number; p99: number; count: number }>> {
    const out: Record<string, Record<string, { p50: number; p95: number; p99: number; count: number }>> = {};
    for (const [key, group] of groupBy(samples, (s) => `${s.operation}\u0000${s.tier}`)) {
      const [operation, tier] = key.split('\u0000');
      const d = group.map((s) => s.durationMs);
      (out[operation] ??= {})[tier] = { p50: percentile(d, 50), p95: percentile(d, 95), p99: percentile(d, 99), count: d.length };
    }
    return out;
  }

  private invalidationsSince(since: number): number {
    return this.invalidations.toArray().filter((e) => e.at > since).length;
  }

  private invalidationAlertLevel(lastHour: number): 'normal' | 'warning' | 'critical' {
    if (lastHour >= this.config.invalidationCriticalPerHour) return 'critical';
    if (lastHour >= this.config.invalidationWarningPerHour) return 'warning';
    return 'normal';
  }

  private currentAlerts(): CacheAlert[] {
    const alerts: CacheAlert[] = [];
    const lastHour = this.invalidationsSince(this.clock() - HOUR_MS);
    const level = this.invalidationAlertLevel(lastHour);
    if (level !== 'normal') alerts.push({ severity: level, message: `${lastHour} invalidations in the last hour` });
    return alerts;
  }

  /** Retention: measurements older than `monitoring.retention` are dropped (buffers are time-ordered). */
  private prune(): void {
    const cutoff = this.clock() - this.config.retention * 1000;
    const stale = (s: { at: number }) => s.at <= cutoff;
    this.keyGenerations.dropOldestWhile(stale);
    this.cacheOperations.dropOldestWhile(stale);
    this.compressions.dropOldestWhile(stale);
    this.invalidations.dropOldestWhile(stale);
  }
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : (part / whole) * 100;
}

function summarize(durations: number[]) {
  return { avgDuration: mean(durations), medianDuration: median(durations), maxDuration: max(durations), minDuration: min(durations) };
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function countBy<T>(items: T[], keyOf: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}
