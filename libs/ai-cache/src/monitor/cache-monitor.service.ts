import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { CacheCounters } from './cache-counters';
import { CacheExports } from './cache-exports';
import { CacheHealthReporter } from './cache-health.reporter';
import type { CacheMetricFamily, CacheMonitorTotals } from './cache-metrics';
import type { CacheMetricsProvider } from './prom-client.registration';
import { CacheReports } from './cache-reports';
import { CacheTimeSeries } from './cache-time-series';
import { DEFAULT_MEMORY_SAMPLE_INTERVAL_MS, MemorySampler } from './memory-sampler';
import type {
  ExportedMetrics,
  InvalidationFrequencyStats,
  MemoryUsageStats,
  PerformanceStats,
} from './monitor-reports.types';
import type { CacheHealth, CacheMonitorCounters, CacheMonitorSnapshot, CacheOperationKind, InvalidationRecommendation, InvalidationSample, MemoryUsageSample, MemoryWarning, OperationTier, SlowOperations, TokenUsage, FlightEvent } from './monitor.types';
import { MonitoredStore } from './monitored-store';

/**
 * Everything the cache measures about itself: hit ratio over lookups, timings in bounded ring
 * buffers, memory, compression, invalidations, errors, savings, and health. The cache service
 * reports to it; apps inject it into health and metrics controllers. All durations are milliseconds.
 *
 * A facade over parts with one job each (counters, time series, reports, health, memory
 * sampling, exports), each a provider of the CacheModule. Recording is O(1) on the hot path.
 * Analyses (percentiles, trends, recommendations) are computed when read, over the retained window
 * (`monitoring.retention`, at most `monitoring.maxMeasurements` samples per series). Counters are
 * running totals since start or `reset()`, never windowed.
 */
@Injectable()
export class CacheMonitorService implements CacheMetricsProvider, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  /** The `cache` label of every exported metric: the namespace, so several CacheModules can share one registry. */
  readonly cacheLabel: string;

  constructor(
    private readonly counters: CacheCounters,
    private readonly series: CacheTimeSeries,
    private readonly store: MonitoredStore,
    private readonly memory: MemorySampler,
    private readonly reports: CacheReports,
    private readonly health: CacheHealthReporter,
    private readonly exports: CacheExports,
  ) {
    this.cacheLabel = exports.cacheLabel;
  }

  // ---- lifecycle ----

  /** After every module's init: periodic memory readings, and the metrics in prom-client's global registry when the app has prom-client. */
  onApplicationBootstrap(): void {
    this.memory.start();
    this.exports.registerWithPromClient();
  }

  onModuleDestroy(): void {
    this.stop();
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  // ---- recording (hot path: O(1), no allocation beyond the sample) ----

  /** A lookup: `tier` is where it hit, or `miss`. Only lookups count towards the hit ratio. */
  recordLookup(operation: string, tier: OperationTier, durationMs: number): void {
    this.series.addOperation(durationMs, this.counters.countLookup(operation, tier, durationMs));
  }

  /** A miss that waited for an identical computation already in flight instead of calling the model. */
  recordCoalescedWait(): void {
    this.counters.count('coalescedWaits');
  }

  recordOperation(kind: Exclude<CacheOperationKind, 'get'>, operation: string, tier: OperationTier, durationMs: number): void {
    this.series.addOperation(durationMs, this.counters.countOperation(kind, operation, tier, durationMs));
  }

  recordComputation(): void {
    this.counters.count('computations');
  }

  recordKeyGeneration(durationMs: number, textLength: number, textTier: string, operation: string): void {
    this.series.addKeyGeneration({ durationMs, textLength, textTier, operation: this.counters.labelOf(operation) });
  }

  recordError(): void {
    this.counters.count('errors');
  }

  /**
   * A hit on an entry that cost `computeMs` to produce: that much model time was saved. When the
   * hit's `response` carries token usage (OpenAI, Anthropic, Vercel AI SDK, LangChain, Gemini shapes),
   * its tokens were saved too.
   */
  recordTimeSaved(computeMs: number, response?: unknown): void {
    this.counters.addTimeSaved(computeMs, response);
  }

  recordOversize(): void {
    this.counters.count('oversizeSkipped');
  }

  /** Tokens a hit saved, for apps whose responses carry usage in a shape the monitor does not recognise. */
  recordTokensSaved(usage: TokenUsage): void {
    this.counters.addTokensSaved(usage);
  }

  recordEviction(): void {
    this.counters.count('evictions');
  }

  recordCompression(originalBytes: number, compressedBytes: number, durationMs: number): void {
    this.series.addCompression(originalBytes, compressedBytes, durationMs);
  }

  recordCorruptedEntry(): void {
    this.counters.count('corruptedEntries');
  }

  recordInvalidation(sample: Omit<InvalidationSample, 'at'>): void {
    this.series.addInvalidation(sample);
  }

  /** An encrypted value that did not open (unknown key id, or a tag that failed): a miss, removed. */
  recordDecryptFailure(): void {
    this.counters.count('decryptFailures');
  }

  /** A fleet wait, a lease takeover, a failure marker, a stale answer, or a background refresh (and its failures). */
  recordFlightEvent(event: FlightEvent): void {
    this.counters.count(event);
  }

  // ---- reading ----

  /** `up`, `degraded` or `down`, with the hit ratio and the current alerts: what a health controller returns. */
  getHealth(): Promise<CacheHealth> {
    return this.health.getHealth();
  }

  /** A compact reading for live views, with a fresh memory reading. */
  snapshot(): Promise<CacheMonitorSnapshot> {
    return this.health.snapshot();
  }

  /** Snapshots every `intervalMs`, the first at once; cold, one timer per subscriber. */
  snapshots$(intervalMs?: number): Observable<CacheMonitorSnapshot> {
    return this.health.snapshots$(intervalMs);
  }

  getPerformanceStats(): PerformanceStats {
    return this.reports.getPerformanceStats();
  }

  /** Percent of lookups that hit (writes never count: the seed's denominator bug). */
  getHitRatio(): number {
    return this.counters.hitRatio();
  }

  /** Samples slower than `thresholdMultiplier` × their series' mean, per series (the seed's outlier view). */
  getRecentSlowOperations(thresholdMultiplier = 2): SlowOperations {
    return this.reports.getRecentSlowOperations(thresholdMultiplier);
  }

  /** Running totals of the events that are not timings. */
  getCounters(): CacheMonitorCounters {
    return this.reports.getCounters();
  }

  /** Every running total since start or reset (what Prometheus counters are built from). */
  getTotals(): CacheMonitorTotals {
    return this.reports.getTotals();
  }

  /** Reads the store's memory figures and the process's, and records them. Concurrent calls share one reading. */
  sampleMemoryUsage(): Promise<MemoryUsageSample | undefined> {
    return this.memory.sample();
  }

  /** The seed's memory statistics over the recorded readings (taken periodically once the app has started). */
  getMemoryUsageStats(): MemoryUsageStats {
    return this.reports.getMemoryUsageStats();
  }

  stopMemorySampling(): void {
    this.memory.stop();
  }

  getMemoryWarnings(): MemoryWarning[] {
    return this.reports.getMemoryWarnings();
  }

  getInvalidationFrequencyStats(): InvalidationFrequencyStats {
    return this.reports.getInvalidationFrequencyStats();
  }

  /** Clears every measurement and counter (the seed's reset_stats). */
  reset(): void {
    this.series.clear();
    this.counters.reset();
    this.store.resetBaseline();
  }

  getInvalidationRecommendations(): InvalidationRecommendation[] {
    return this.reports.getInvalidationRecommendations();
  }

  /** Everything recorded, raw, for archival or external analysis (the seed's `export_metrics`). JSON-safe. */
  exportMetrics(): ExportedMetrics {
    return this.exports.exportMetrics();
  }

  /** Reads memory every `intervalMs` (replacing any previous schedule); the timer never keeps the process alive. */
  startMemorySampling(intervalMs = DEFAULT_MEMORY_SAMPLE_INTERVAL_MS): void {
    this.memory.start(intervalMs);
  }

  /** Every cache metric with its current samples: the data behind `toPrometheus()` and `registerCacheMetrics()`. */
  collectMetrics(): CacheMetricFamily[] {
    return this.exports.collectMetrics();
  }

  /** The metrics in the Prometheus text exposition format (0.0.4); serve it with `PROMETHEUS_CONTENT_TYPE`. */
  toPrometheus(): string {
    return this.exports.toPrometheus();
  }

  private stop(): void {
    this.memory.stop();
    this.exports.unregisterFromPromClient();
  }
}
