import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { exhaustMap, from, type Observable, timer } from 'rxjs';
import { RESOLVED_CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import type { CacheStore, CacheTier } from '../stores/cache-store.interface';
import { buildCacheMetricFamilies, type CacheMetricFamily, type CacheMonitorTotals } from './cache-metrics';
import { CompressionAnalytics, ratioOf } from './compression.analytics';
import { InvalidationAnalytics } from './invalidation.analytics';
import { MemoryUsageAnalytics, totalBytes } from './memory-usage.analytics';
import { formatPrometheusText } from './prometheus.exposition';
import { loadPromClient } from './prom-client.loader';
import { registerCacheMetrics } from './prom-client.registration';
import { OperationSampleRing } from './operation-sample.ring';
import { OperationStats, type OperationRecords } from './operation-stats';
import { RingBuffer } from './ring-buffer';
import { findSlowOperations } from './slow-operations.analytics';
import { countBy, groupBy, max, mean, median, min, percentOf, percentiles } from './statistics';
import { extractTokenUsage } from './token-usage';
import type {
  CacheAlert,
  CacheHealth,
  CacheMonitorCounters,
  CacheMonitorSnapshot,
  CacheOperationKind,
  CacheOperationSample,
  Clock,
  InvalidationRecommendation,
  InvalidationSample,
  KeyGenerationSample,
  LatencyPercentiles,
  MemoryUsageSample,
  MemoryWarning,
  OperationTier,
  SlowOperations,
  TokenUsage,
} from './monitor.types';

/** Injection token for the monitor's clock (tests give a controllable one). */
export const CACHE_MONITOR_CLOCK = Symbol('AI_CACHE_MONITOR_CLOCK');

/** How often memory is read in the background once the app has started (store stats + process memory). */
export const DEFAULT_MEMORY_SAMPLE_INTERVAL_MS = 60_000;
/** Default period of `snapshots$()`. */
export const DEFAULT_SNAPSHOT_INTERVAL_MS = 5_000;

const HOUR_MS = 3600_000;
/** Key generation slower than this is "slow" (the seed's key_generation_threshold: 100 ms). */
const SLOW_KEY_GENERATION_MS = 100;

type MonitoredStore = Pick<CacheStore, 'driver' | 'health' | 'stats' | 'diagnostics'>;

/**
 * Everything the cache measures about itself: hit ratio over lookups, timings in bounded ring
 * buffers, memory, compression, invalidations, errors, savings, and health. The cache service
 * reports to it; apps inject it into health and metrics controllers. All durations are milliseconds.
 *
 * Recording is O(1) on the hot path. Analyses (percentiles, trends, recommendations) are computed
 * when read, over the retained window (`monitoring.retention`, at most `monitoring.maxMeasurements`
 * samples per series). Counters are running totals since start or `reset()`, never windowed.
 */
@Injectable()
export class CacheMonitorService implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('AICache');
  private readonly clock: Clock;
  private readonly config: ResolvedCacheOptions['monitoring'];
  /** The `cache` label of every exported metric: the namespace, so several CacheModules can share one registry. */
  readonly cacheLabel: string;
  private store?: MonitoredStore;

  private readonly keyGenerations: RingBuffer<KeyGenerationSample>;
  private readonly cacheOperations: OperationSampleRing;
  private readonly compression: CompressionAnalytics;
  private readonly invalidation: InvalidationAnalytics;
  private readonly memory: MemoryUsageAnalytics;

  private hits = 0;
  private misses = 0;
  /** Per-operation totals, at most `monitoring.maxOperations` labels (the rest: `other`). */
  private readonly operations: OperationStats;
  private readonly counters = {
    errors: 0,
    evictions: 0,
    coalescedWaits: 0,
    oversizeSkipped: 0,
    corruptedEntries: 0,
    decryptFailures: 0,
    computations: 0,
  };
  /** The store's own counters (breaker) at the last reset: they belong to the store and never go back to 0. */
  private storeBaseline = { redisErrors: 0, degradedOperations: 0 };
  private computeTimeSavedMs = 0;
  private readonly tokensSaved: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

  private samplingTimer?: NodeJS.Timeout;
  private memoryReading?: Promise<MemoryUsageSample | undefined>;
  private unregisterPromMetrics?: () => void;

  constructor(
    @Inject(RESOLVED_CACHE_OPTIONS) options: ResolvedCacheOptions,
    @Optional() @Inject(CACHE_MONITOR_CLOCK) clock?: Clock,
  ) {
    this.clock = clock ?? Date.now;
    this.config = options.monitoring;
    this.cacheLabel = options.namespace;
    this.operations = new OperationStats(options.monitoring.maxOperations);
    const capacity = options.monitoring.maxMeasurements;
    this.keyGenerations = new RingBuffer(capacity);
    this.cacheOperations = new OperationSampleRing(capacity);
    this.compression = new CompressionAnalytics(capacity);
    this.invalidation = new InvalidationAnalytics(capacity, {
      warningPerHour: options.monitoring.invalidationWarningPerHour,
      criticalPerHour: options.monitoring.invalidationCriticalPerHour,
      retentionSeconds: options.monitoring.retention,
    });
    this.memory = new MemoryUsageAnalytics(capacity, {
      warningBytes: options.monitoring.memoryWarningBytes,
      criticalBytes: options.monitoring.memoryCriticalBytes,
    });
  }

  /** Called once by the store provider, so health and memory readings can ask the store without a DI cycle. */
  attachStore(store: MonitoredStore): void {
    this.store = store;
  }

  // ---- lifecycle ----

  /**
   * After every module's init: periodic memory readings, and the metrics in prom-client's global
   * registry when the app has prom-client.
   */
  onApplicationBootstrap(): void {
    this.startMemorySampling();
    this.registerWithPromClient();
  }

  onModuleDestroy(): void {
    this.stop();
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  /**
   * Reads memory every `intervalMs` (replacing any previous schedule). The timer is unref'd: it never
   * keeps the process alive. No reading at once: at bootstrap it would prime the Redis store's
   * short-lived key-count cache with the still-empty count (readings on demand cover the start).
   */
  startMemorySampling(intervalMs = DEFAULT_MEMORY_SAMPLE_INTERVAL_MS): void {
    assertPositiveInterval(intervalMs, 'startMemorySampling');
    this.stopMemorySampling();
    this.samplingTimer = setInterval(() => void this.sampleMemoryUsage(), intervalMs);
    this.samplingTimer.unref();
  }

  stopMemorySampling(): void {
    if (this.samplingTimer) clearInterval(this.samplingTimer);
    this.samplingTimer = undefined;
  }

  // ---- recording (hot path: O(1), no allocation beyond the sample) ----

  recordKeyGeneration(durationMs: number, textLength: number, textTier: string, operation: string): void {
    const { label } = this.operations.recordsFor(operation);
    this.keyGenerations.push({ at: this.clock(), durationMs, textLength, textTier, operation: label });
  }

  /** A lookup: `tier` is where it hit, or `miss`. Only lookups count towards the hit ratio. */
  recordLookup(operation: string, tier: OperationTier, durationMs: number): void {
    const records = this.operations.recordsFor(operation);
    this.operations.countLookup(records, tier);
    if (tier === 'miss') this.misses++;
    else this.hits++;
    this.pushOperation(records, 'get', tier, durationMs);
  }

  /**
   * A hit on an entry that cost `computeMs` to produce: that much model time was saved. When the
   * hit's `response` carries token usage (OpenAI, Anthropic, Vercel AI SDK, LangChain, Gemini shapes),
   * its tokens were saved too.
   */
  recordTimeSaved(computeMs: number, response?: unknown): void {
    if (Number.isFinite(computeMs) && computeMs > 0) this.computeTimeSavedMs += computeMs;
    if (response === undefined) return;
    const usage = extractTokenUsage(response);
    if (usage) this.recordTokensSaved(usage);
  }

  /** Tokens a hit saved, for apps whose responses carry usage in a shape `extractTokenUsage` does not know. */
  recordTokensSaved(usage: TokenUsage): void {
    this.tokensSaved.promptTokens += usage.promptTokens;
    this.tokensSaved.completionTokens += usage.completionTokens;
    this.tokensSaved.totalTokens += usage.totalTokens;
  }

  recordOperation(kind: Exclude<CacheOperationKind, 'get'>, operation: string, tier: OperationTier, durationMs: number): void {
    this.pushOperation(this.operations.recordsFor(operation), kind, tier, durationMs);
  }

  recordCompression(originalBytes: number, compressedBytes: number, durationMs: number): void {
    this.compression.record({ at: this.clock(), originalBytes, compressedBytes, durationMs });
  }

  recordComputation(): void {
    this.counters.computations++;
  }

  recordInvalidation(sample: Omit<InvalidationSample, 'at'>): void {
    const now = this.clock();
    const before = this.invalidation.levelOf(this.invalidation.countSince(now - HOUR_MS));
    this.invalidation.record({ ...sample, at: now });
    const lastHour = this.invalidation.countSince(now - HOUR_MS);
    const after = this.invalidation.levelOf(lastHour);
    // Logged when a threshold is crossed, not on every later invalidation.
    if (after !== before && after !== 'normal') {
      const log = after === 'critical' ? 'error' : 'warn';
      this.logger[log](`High invalidation rate: ${lastHour} invalidations in the last hour (${after} threshold)`);
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

  /** A value in Redis that did not decrypt (unknown key id, failed tag, or unsealed while encryption is on). */
  recordDecryptFailure(): void {
    this.counters.decryptFailures++;
  }

  recordOversize(): void {
    this.counters.oversizeSkipped++;
  }

  recordError(): void {
    this.counters.errors++;
  }

  /**
   * Reads the store's memory figures and the process's, and records them (the seed's
   * `record_memory_usage`). Concurrent calls share one reading. Undefined before a store is attached
   * or when the store cannot say.
   */
  sampleMemoryUsage(): Promise<MemoryUsageSample | undefined> {
    this.memoryReading ??= this.readMemory().finally(() => (this.memoryReading = undefined));
    return this.memoryReading;
  }

  // ---- reading ----

  /** Percent of lookups that hit (writes never count: the seed's denominator bug). */
  getHitRatio(): number {
    return percentOf(this.hits, this.hits + this.misses);
  }

  /** Running totals of the events that are not timings. */
  getCounters(): CacheMonitorCounters {
    const breaker = this.store?.diagnostics?.()?.breaker;
    return {
      ...this.counters,
      redisErrors: (breaker?.errors ?? 0) - this.storeBaseline.redisErrors,
      degradedOperations: (breaker?.shortCircuited ?? 0) - this.storeBaseline.degradedOperations,
    };
  }

  /** Every running total since start or reset (what Prometheus counters are built from). */
  getTotals(): CacheMonitorTotals {
    return {
      hits: this.hits,
      misses: this.misses,
      lookups: this.operations.lookups(),
      operations: this.operations.totals(),
      counters: this.getCounters(),
      invalidations: this.invalidation.totals(),
      compression: this.compression.runningTotals(),
      timeSavedMs: this.computeTimeSavedMs,
      tokensSaved: { ...this.tokensSaved },
    };
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
      hitsByTier: this.operations.hitsByTier(),
      byOperation: Object.fromEntries(
        [...this.operations.lookupEntries()].map(([op, c]) => {
          const hits = c.memoryHits + c.redisHits;
          return [op, { hits, misses: c.misses, hitRate: percentOf(hits, hits + c.misses) }];
        }),
      ),
      counters: this.getCounters(),
      timeSavedMs: this.computeTimeSavedMs,
      tokensSaved: { ...this.tokensSaved },
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
        latency: this.latencyByOperationAndTier(operations),
      };
    }
    const compression = this.compression.stats();
    if (compression) stats.compression = compression;
    if (this.memory.size > 0) stats.memoryUsage = this.memory.stats();
    if (this.invalidation.size > 0) stats.invalidation = this.getInvalidationFrequencyStats();
    return stats;
  }

  /**
   * The seed's memory statistics over the recorded readings: `current`, `thresholds`, `trends`
   * (with `growthRateMbPerHour` once two readings are apart in time), or `{ noMeasurements: true, … }`.
   * Readings come from `sampleMemoryUsage()`, which runs periodically once the app has started.
   */
  getMemoryUsageStats(): Record<string, unknown> {
    this.prune();
    return this.memory.stats();
  }

  /** The seed's memory warnings (critical / warning against the thresholds, info when the memory tier is >90% full). */
  getMemoryWarnings(): MemoryWarning[] {
    this.prune();
    return this.memory.warnings();
  }

  getInvalidationFrequencyStats(): Record<string, unknown> {
    this.prune();
    return this.invalidation.frequencyStats(this.clock());
  }

  /** The seed's rules: high frequency, a dominant pattern, too few or too many keys per invalidation. */
  getInvalidationRecommendations(): InvalidationRecommendation[] {
    this.prune();
    return this.invalidation.recommendations(this.clock());
  }

  /** Samples slower than `thresholdMultiplier` × their series' mean, per series (the seed's outlier view). */
  getRecentSlowOperations(thresholdMultiplier = 2): SlowOperations {
    this.prune();
    return findSlowOperations(
      { keyGenerations: this.keyGenerations.toArray(), cacheOperations: this.cacheOperations.toArray(), compressions: this.compression.toArray() },
      thresholdMultiplier,
    );
  }

  /**
   * Everything recorded, raw, for archival or external analysis (the seed's `export_metrics`): the
   * retained series with ISO timestamps and millisecond durations, plus the running totals. JSON-safe.
   */
  exportMetrics(): Record<string, unknown> {
    this.prune();
    const iso = (at: number) => new Date(at).toISOString();
    return {
      exportTimestamp: iso(this.clock()),
      retentionHours: this.config.retention / 3600,
      keyGenerationTimes: this.keyGenerations.toArray().map(({ at, ...s }) => ({ timestamp: iso(at), ...s })),
      cacheOperationTimes: this.cacheOperations.toArray().map(({ at, ...s }) => ({ timestamp: iso(at), ...s })),
      compressionRatios: this.compression.toArray().map(({ at, ...s }) => ({ timestamp: iso(at), ...s, compressionRatio: ratioOf(s) })),
      memoryUsageMeasurements: this.memory.toArray().map(({ at, ...s }) => ({ timestamp: iso(at), ...s, totalCacheSizeBytes: totalBytes({ at, ...s }) })),
      invalidationEvents: this.invalidation.toArray().map(({ at, ...s }) => ({ timestamp: iso(at), ...s })),
      cacheHits: this.hits,
      cacheMisses: this.misses,
      totalOperations: this.operations.operationCount(),
      totalInvalidations: this.invalidation.totals().invalidations,
      totalKeysInvalidated: this.invalidation.totals().keysInvalidated,
      counters: this.getCounters(),
      timeSavedMs: this.computeTimeSavedMs,
      tokensSaved: { ...this.tokensSaved },
    };
  }

  /** Every cache metric with its current samples: the data behind `toPrometheus()` and the prom-client registration. */
  collectMetrics(): CacheMetricFamily[] {
    this.prune();
    const latency = [...groupBy(this.cacheOperations.toArray(), (s) => `${s.kind}\u0000${s.operation}\u0000${s.tier}`).values()].map(
      (group) => ({ kind: group[0].kind, operation: group[0].operation, tier: group[0].tier, ...latencyOf(group) }),
    );
    return buildCacheMetricFamilies({
      cache: this.cacheLabel,
      totals: this.getTotals(),
      latency,
      memory: this.memory.latest(),
      degraded: this.isDegraded(),
      hitRatio: this.getHitRatio(),
      tiers: this.tiers(),
    });
  }

  /**
   * The metrics in the Prometheus text exposition format (0.0.4), every name prefixed `ai_cache_`;
   * serve it with `PROMETHEUS_CONTENT_TYPE`.
   */
  toPrometheus(): string {
    return formatPrometheusText(this.collectMetrics());
  }

  /** A compact reading for live views; reads memory first, so each snapshot has a fresh memory figure. */
  async snapshot(): Promise<CacheMonitorSnapshot> {
    const memory = await this.sampleMemoryUsage();
    this.prune();
    const lookupLatencyMs = latencyOf(this.cacheOperations.toArray().filter((s) => s.kind === 'get'));
    return {
      timestamp: new Date(this.clock()).toISOString(),
      hitRatio: this.getHitRatio(),
      hits: this.hits,
      misses: this.misses,
      lookupLatencyMs,
      ...(memory && {
        memory: {
          memoryCacheBytes: memory.memoryCacheBytes,
          memoryCacheEntries: memory.memoryCacheEntries,
          ...(memory.redisMemoryBytes !== undefined && { redisMemoryBytes: memory.redisMemoryBytes }),
          ...(memory.redisKeys !== undefined && { redisKeys: memory.redisKeys }),
          processRssBytes: memory.processRssBytes,
          processHeapUsedBytes: memory.processHeapUsedBytes,
        },
      }),
      counters: this.getCounters(),
      timeSavedMs: this.computeTimeSavedMs,
      tokensSaved: { ...this.tokensSaved },
      degraded: this.isDegraded(),
      alerts: this.currentAlerts(),
    };
  }

  /**
   * Snapshots every `intervalMs`, the first at once. Cold: each subscriber gets its own timer, which
   * stops when it unsubscribes (e.g. when an SSE client disconnects). A slow snapshot is never
   * overlapped by the next one.
   */
  snapshots$(intervalMs = DEFAULT_SNAPSHOT_INTERVAL_MS): Observable<CacheMonitorSnapshot> {
    assertPositiveInterval(intervalMs, 'snapshots$');
    return timer(0, intervalMs).pipe(exhaustMap(() => from(this.snapshot())));
  }

  async getHealth(): Promise<CacheHealth> {
    const alerts = this.currentAlerts();
    const base = { hitRatio: this.getHitRatio(), alerts };
    if (!this.store) return { status: 'down', driver: 'memory', ...base, alerts: [...alerts, { severity: 'critical', message: 'Cache store is not initialised' }] };
    try {
      const health = await this.store.health();
      if (this.store.driver === 'memory') return { status: 'up', driver: 'memory', ...base };
      const redis = { connected: health.connected, ...(health.latencyMs !== undefined && { latencyMs: health.latencyMs }) };
      if (health.connected && health.status === 'connected') return { status: 'up', driver: 'redis', redis, ...base };
      if (health.connected) {
        const message = `Redis answers, but ${health.reason ?? 'the store is degraded'}: L1 copies are served for at most memoryCacheMaxAge`;
        return { status: 'degraded', driver: 'redis', redis, ...base, alerts: [...alerts, { severity: 'warning', message }] };
      }
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
    this.compression.clear();
    this.invalidation.clear();
    this.memory.clear();
    this.hits = 0;
    this.misses = 0;
    this.operations.clear();
    for (const key of Object.keys(this.counters) as (keyof typeof this.counters)[]) this.counters[key] = 0;
    const breaker = this.store?.diagnostics?.()?.breaker;
    this.storeBaseline = { redisErrors: breaker?.errors ?? 0, degradedOperations: breaker?.shortCircuited ?? 0 };
    this.computeTimeSavedMs = 0;
    this.tokensSaved.promptTokens = 0;
    this.tokensSaved.completionTokens = 0;
    this.tokensSaved.totalTokens = 0;
  }

  // ---- internals ----

  private stop(): void {
    this.stopMemorySampling();
    this.unregisterPromMetrics?.();
    this.unregisterPromMetrics = undefined;
  }

  /**
   * Only when the app has prom-client. Every CacheModule of the process joins the global registry,
   * its samples labelled `cache="<namespace>"`; a clash (two modules with one namespace, or
   * someone else's metric under one of our names) is logged, never fatal.
   */
  private registerWithPromClient(): void {
    if (this.unregisterPromMetrics) return;
    try {
      if (!loadPromClient()) return;
      this.unregisterPromMetrics = registerCacheMetrics(this);
    } catch (error) {
      this.logger.warn(
        `Cache metrics of namespace '${this.cacheLabel}' not added to prom-client's global registry: ${(error as Error).message}. ` +
          'Use registerCacheMetrics(monitor, { registry }) to put them in a registry of their own.',
      );
    }
  }

  private async readMemory(): Promise<MemoryUsageSample | undefined> {
    if (!this.store) return undefined;
    let stats: Awaited<ReturnType<MonitoredStore['stats']>>;
    try {
      stats = await this.store.stats();
    } catch (error) {
      this.recordError();
      this.logger.debug?.(`Cache memory reading failed: ${(error as Error).message}`);
      return undefined;
    }
    const { rss, heapUsed } = process.memoryUsage();
    const sample: MemoryUsageSample = {
      at: this.clock(),
      memoryCacheBytes: stats.memory.bytes,
      memoryCacheEntries: stats.memory.entries,
      memoryCacheMaxEntries: stats.memory.maxEntries,
      ...(stats.redis.memoryUsedBytes !== undefined && { redisMemoryBytes: stats.redis.memoryUsedBytes }),
      ...(stats.redis.keys !== undefined && { redisKeys: stats.redis.keys }),
      processRssBytes: rss,
      processHeapUsedBytes: heapUsed,
    };
    const before = this.memory.levelOf(this.memory.latest());
    this.memory.record(sample);
    const after = this.memory.levelOf(sample);
    // Logged when a threshold is crossed (the seed logged on every reading above it).
    if (after !== before && after !== 'normal') {
      const [warning] = this.memory.warnings();
      if (warning) this.logger[after === 'critical' ? 'error' : 'warn'](warning.message);
    }
    return sample;
  }

  private pushOperation(records: OperationRecords, kind: CacheOperationKind, tier: OperationTier, durationMs: number): void {
    // The running total doubles as the sample's (kind, operation, tier): no object per sample.
    this.cacheOperations.push(this.clock(), durationMs, this.operations.addDuration(records, kind, tier, durationMs));
  }

  /** The tiers a hit can come from; the last is the one a miss was finally decided by. */
  private tiers(): CacheTier[] {
    return this.store?.driver === 'redis' ? ['memory', 'redis'] : ['memory'];
  }

  private isDegraded(): boolean {
    return this.store?.diagnostics?.()?.degraded === true;
  }

  private latencyByOperationAndTier(samples: CacheOperationSample[]): Record<string, Record<string, LatencyPercentiles>> {
    const out: Record<string, Record<string, LatencyPercentiles>> = {};
    for (const group of groupBy(samples, (s) => `${s.operation}\u0000${s.tier}`).values()) {
      (out[group[0].operation] ??= {})[group[0].tier] = latencyOf(group);
    }
    return out;
  }

  /** Invalidation rate and memory alerts (warning and critical only: `info` is advice, not an alert). */
  private currentAlerts(): CacheAlert[] {
    this.prune();
    const alerts: CacheAlert[] = [];
    const lastHour = this.invalidation.countSince(this.clock() - HOUR_MS);
    const level = this.invalidation.levelOf(lastHour);
    if (level !== 'normal') alerts.push({ severity: level, message: `${lastHour} invalidations in the last hour` });
    for (const warning of this.memory.warnings()) {
      if (warning.severity !== 'info') alerts.push({ severity: warning.severity, message: warning.message });
    }
    return alerts;
  }

  /** Retention: measurements older than `monitoring.retention` are dropped (buffers are time-ordered). */
  private prune(): void {
    const cutoff = this.clock() - this.config.retention * 1000;
    const stale = (s: { at: number }) => s.at <= cutoff;
    this.keyGenerations.dropOldestWhile(stale);
    this.cacheOperations.dropAtOrBefore(cutoff);
    this.compression.prune(cutoff);
    this.invalidation.prune(cutoff);
    this.memory.prune(cutoff);
  }
}

/** p50 / p95 / p99 of a group of samples' durations, and how many there were. */
function latencyOf(samples: readonly { durationMs: number }[]): LatencyPercentiles {
  const [p50, p95, p99] = percentiles(
    samples.map((s) => s.durationMs),
    [50, 95, 99],
  );
  return { p50, p95, p99, count: samples.length };
}

function summarize(durations: number[]) {
  return { avgDuration: mean(durations), medianDuration: median(durations), maxDuration: max(durations), minDuration: min(durations) };
}

function assertPositiveInterval(intervalMs: number, method: string): void {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError(`${method}: intervalMs must be a positive number of milliseconds, got ${intervalMs}`);
}
