import { Inject, Injectable, Logger } from '@nestjs/common';
import { RESOLVED_CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import { CacheCounters } from './cache-counters';
import { buildCacheMetricFamilies, type CacheMetricFamily } from './cache-metrics';
import { CacheReports } from './cache-reports';
import { CacheTimeSeries } from './cache-time-series';
import { ratioOf } from './compression.analytics';
import { totalBytes } from './memory-usage.analytics';
import type { ExportedMetrics } from './monitor-reports.types';
import { MonitoredStore } from './monitored-store';
import { loadPromClient } from './prom-client.loader';
import { type CacheMetricsProvider, registerCacheMetrics } from './prom-client.registration';
import { formatPrometheusText } from './prometheus.exposition';

/**
 * What leaves the process: the raw JSON export (the seed's `export_metrics`), the metric families
 * behind the Prometheus text, and their registration in prom-client's global registry.
 */
@Injectable()
export class CacheExports implements CacheMetricsProvider {
  private readonly logger = new Logger('AICache');
  /** The `cache` label of every exported metric: the namespace, so several CacheModules can share one registry. */
  readonly cacheLabel: string;
  private readonly retentionSeconds: number;
  private unregister?: () => void;

  constructor(
    @Inject(RESOLVED_CACHE_OPTIONS) options: ResolvedCacheOptions,
    private readonly counters: CacheCounters,
    private readonly series: CacheTimeSeries,
    private readonly store: MonitoredStore,
    private readonly reports: CacheReports,
  ) {
    this.cacheLabel = options.namespace;
    this.retentionSeconds = options.monitoring.retention;
  }

  /** Everything recorded, raw: the retained series with ISO timestamps, plus the running totals. JSON-safe. */
  exportMetrics(): ExportedMetrics {
    const { series, counters } = this;
    series.prune();
    const iso = (at: number) => new Date(at).toISOString();
    const invalidations = series.invalidation.totals();
    return {
      exportTimestamp: iso(series.now()),
      retentionHours: this.retentionSeconds / 3600,
      keyGenerationTimes: series.keyGenerations.toArray().map(({ at, ...s }) => ({ timestamp: iso(at), ...s })),
      cacheOperationTimes: series.operations.toArray().map(({ at, ...s }) => ({ timestamp: iso(at), ...s })),
      compressionRatios: series.compression.toArray().map(({ at, ...s }) => ({ timestamp: iso(at), ...s, compressionRatio: ratioOf(s) })),
      memoryUsageMeasurements: series.memory.toArray().map((s) => {
        const { at, ...reading } = s;
        return { timestamp: iso(at), ...reading, totalCacheSizeBytes: totalBytes(s) };
      }),
      invalidationEvents: series.invalidation.toArray().map(({ at, ...s }) => ({ timestamp: iso(at), ...s })),
      cacheHits: counters.hitCount,
      cacheMisses: counters.missCount,
      totalOperations: counters.operationCount(),
      totalInvalidations: invalidations.invalidations,
      totalKeysInvalidated: invalidations.keysInvalidated,
      counters: this.reports.getCounters(),
      timeSavedMs: counters.timeSavedMs(),
      tokensSaved: counters.tokensSaved(),
    };
  }

  /** Every cache metric with its current samples: the data behind `toPrometheus()` and the prom-client registration. */
  collectMetrics(): CacheMetricFamily[] {
    this.series.prune();
    const latency = this.series
      .latencyGroups((s) => `${s.kind}\u0000${s.operation}\u0000${s.tier}`)
      .map(({ first: { kind, operation, tier }, latency: percentiles }) => ({ kind, operation, tier, ...percentiles }));
    return buildCacheMetricFamilies({
      cache: this.cacheLabel,
      totals: this.reports.getTotals(),
      latency,
      memory: this.series.memory.latest(),
      degraded: this.store.degraded(),
      hitRatio: this.counters.hitRatio(),
      tiers: this.store.tiers(),
    });
  }

  /** The metrics in the Prometheus text exposition format (0.0.4), every name prefixed `ai_cache_`. */
  toPrometheus(): string {
    return formatPrometheusText(this.collectMetrics());
  }

  /**
   * Only when the app has prom-client. Every CacheModule of the process joins the global registry,
   * its samples labelled `cache="<namespace>"`; a clash (two modules with one namespace, or
   * someone else's metric under one of our names) is logged, never fatal.
   */
  registerWithPromClient(): void {
    if (this.unregister) return;
    try {
      if (!loadPromClient()) return;
      this.unregister = registerCacheMetrics(this);
    } catch (error) {
      this.logger.warn(
        `Cache metrics of namespace '${this.cacheLabel}' not added to prom-client's global registry: ${(error as Error).message}. ` +
          'Use registerCacheMetrics(monitor, { registry }) to put them in a registry of their own.',
      );
    }
  }

  unregisterFromPromClient(): void {
    this.unregister?.();
    this.unregister = undefined;
  }
}
