import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { RESOLVED_CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import { CompressionAnalytics } from './compression.analytics';
import { InvalidationAnalytics } from './invalidation.analytics';
import { MemoryUsageAnalytics } from './memory-usage.analytics';
import type { CacheAlert, CacheOperationSample, Clock, InvalidationSample, KeyGenerationSample, LatencyPercentiles, MemoryUsageSample } from './monitor.types';
import { OperationSampleRing, type OperationSeriesRef } from './operation-sample.ring';
import { RingBuffer } from './ring-buffer';
import { groupBy, percentiles } from './statistics';

/** Injection token for the monitor's clock (tests give a controllable one). */
export const CACHE_MONITOR_CLOCK = Symbol('AI_CACHE_MONITOR_CLOCK');

const HOUR_MS = 3600_000;

/**
 * The monitor's bounded windows of samples: key generations, store operations, compressions,
 * invalidations and memory readings, at most `monitoring.maxMeasurements` each, none older than
 * `monitoring.retention`. It owns the monitor's clock. Threshold crossings (invalidation rate,
 * memory) are logged here, once per crossing, as samples arrive.
 */
@Injectable()
export class CacheTimeSeries {
  private readonly logger = new Logger('AICache');
  readonly now: Clock;
  private readonly retentionMs: number;
  readonly keyGenerations: RingBuffer<KeyGenerationSample>;
  readonly operations: OperationSampleRing;
  readonly compression: CompressionAnalytics;
  readonly invalidation: InvalidationAnalytics;
  readonly memory: MemoryUsageAnalytics;

  constructor(@Inject(RESOLVED_CACHE_OPTIONS) options: ResolvedCacheOptions, @Optional() @Inject(CACHE_MONITOR_CLOCK) clock?: Clock) {
    this.now = clock ?? Date.now;
    const { maxMeasurements: capacity, retention } = options.monitoring;
    this.retentionMs = retention * 1000;
    this.keyGenerations = new RingBuffer(capacity);
    this.operations = new OperationSampleRing(capacity);
    this.compression = new CompressionAnalytics(capacity);
    this.invalidation = new InvalidationAnalytics(capacity, {
      warningPerHour: options.monitoring.invalidationWarningPerHour,
      criticalPerHour: options.monitoring.invalidationCriticalPerHour,
      retentionSeconds: retention,
    });
    this.memory = new MemoryUsageAnalytics(capacity, {
      warningBytes: options.monitoring.memoryWarningBytes,
      criticalBytes: options.monitoring.memoryCriticalBytes,
    });
  }

  addKeyGeneration(sample: Omit<KeyGenerationSample, 'at'>): void {
    this.keyGenerations.push({ at: this.now(), ...sample });
  }

  /** A timed store operation; `series` says of what (the counters' running total doubles as it: no object per sample). */
  addOperation(durationMs: number, series: OperationSeriesRef): void {
    this.operations.push(this.now(), durationMs, series);
  }

  addCompression(originalBytes: number, compressedBytes: number, durationMs: number): void {
    this.compression.record({ at: this.now(), originalBytes, compressedBytes, durationMs });
  }

  addInvalidation(sample: Omit<InvalidationSample, 'at'>): void {
    const now = this.now();
    const before = this.invalidation.levelOf(this.invalidation.countSince(now - HOUR_MS));
    this.invalidation.record({ ...sample, at: now });
    const lastHour = this.invalidation.countSince(now - HOUR_MS);
    const after = this.invalidation.levelOf(lastHour);
    // Logged when a threshold is crossed, not on every later invalidation.
    if (after !== before && after !== 'normal') {
      this.logger[after === 'critical' ? 'error' : 'warn'](`High invalidation rate: ${lastHour} invalidations in the last hour (${after} threshold)`);
    }
  }

  addMemoryReading(sample: MemoryUsageSample): void {
    const before = this.memory.levelOf(this.memory.latest());
    this.memory.record(sample);
    const after = this.memory.levelOf(sample);
    // Logged when a threshold is crossed (the seed logged on every reading above it).
    if (after !== before && after !== 'normal') {
      const [warning] = this.memory.warnings();
      if (warning) this.logger[after === 'critical' ? 'error' : 'warn'](warning.message);
    }
  }

  /** Retention: drops measurements older than `monitoring.retention` (buffers are time-ordered). Readers call it first. */
  prune(): void {
    const cutoff = this.now() - this.retentionMs;
    this.keyGenerations.dropOldestWhile((s) => s.at <= cutoff);
    this.operations.dropAtOrBefore(cutoff);
    this.compression.prune(cutoff);
    this.invalidation.prune(cutoff);
    this.memory.prune(cutoff);
  }

  /** Invalidation rate and memory alerts (warning and critical only: `info` is advice, not an alert). */
  alerts(): CacheAlert[] {
    this.prune();
    const alerts: CacheAlert[] = [];
    const lastHour = this.invalidation.countSince(this.now() - HOUR_MS);
    const level = this.invalidation.levelOf(lastHour);
    if (level !== 'normal') alerts.push({ severity: level, message: `${lastHour} invalidations in the last hour` });
    for (const warning of this.memory.warnings()) {
      if (warning.severity !== 'info') alerts.push({ severity: warning.severity, message: warning.message });
    }
    return alerts;
  }

  /** Retained operation samples grouped by `keyOf`, each group with its percentiles. */
  latencyGroups(keyOf: (sample: CacheOperationSample) => string, samples = this.operations.toArray()): Array<{ first: CacheOperationSample; latency: LatencyPercentiles }> {
    return [...groupBy(samples, keyOf).values()].map((group) => ({ first: group[0], latency: latencyOf(group) }));
  }

  clear(): void {
    this.keyGenerations.clear();
    this.operations.clear();
    this.compression.clear();
    this.invalidation.clear();
    this.memory.clear();
  }
}

/** p50 / p95 / p99 of a group of samples' durations, and how many there were. */
export function latencyOf(samples: readonly { durationMs: number }[]): LatencyPercentiles {
  const [p50, p95, p99] = percentiles(
    samples.map((s) => s.durationMs),
    [50, 95, 99],
  );
  return { p50, p95, p99, count: samples.length };
}
