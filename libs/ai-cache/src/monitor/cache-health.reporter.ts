import { Injectable } from '@nestjs/common';
import { exhaustMap, from, type Observable, timer } from 'rxjs';
import { CacheCounters } from './cache-counters';
import { CacheReports } from './cache-reports';
import { CacheTimeSeries, latencyOf } from './cache-time-series';
import { assertPositiveInterval, MemorySampler } from './memory-sampler';
import type { CacheAlert, CacheHealth, CacheMonitorSnapshot } from './monitor.types';
import { MonitoredStore } from './monitored-store';

/** Default period of `snapshots$()`. */
export const DEFAULT_SNAPSHOT_INTERVAL_MS = 5_000;

/** The cache's live state: health for health controllers, snapshots for dashboards. */
@Injectable()
export class CacheHealthReporter {
  constructor(
    private readonly store: MonitoredStore,
    private readonly counters: CacheCounters,
    private readonly series: CacheTimeSeries,
    private readonly reports: CacheReports,
    private readonly memory: MemorySampler,
  ) {}

  /** `up`, `degraded` (Redis unreachable, or L1 unable to hear changes) or `down` (no store, or its check failed). */
  async getHealth(): Promise<CacheHealth> {
    const alerts = this.series.alerts();
    const base = { hitRatio: this.counters.hitRatio(), alerts };
    const withAlert = (alert: CacheAlert) => ({ ...base, alerts: [...alerts, alert] });
    if (!this.store.attached) return { status: 'down', driver: 'memory', ...withAlert({ severity: 'critical', message: 'Cache store is not initialised' }) };
    try {
      const health = (await this.store.health())!;
      if (this.store.driver === 'memory') return { status: 'up', driver: 'memory', ...base };
      if (this.store.driver === 'custom') {
        if (health.status !== 'degraded') return { status: 'up', driver: 'custom', ...base };
        return { status: 'degraded', driver: 'custom', ...withAlert({ severity: 'warning', message: `Cache store degraded: ${health.reason ?? 'its backend is unreachable'}` }) };
      }
      const redis = { connected: health.connected, ...(health.latencyMs !== undefined && { latencyMs: health.latencyMs }) };
      if (health.connected && health.status === 'connected') return { status: 'up', driver: 'redis', redis, ...base };
      const message = health.connected
        ? `Redis answers, but ${health.reason ?? 'the store is degraded'}: L1 copies are served for at most memoryCacheMaxAge`
        : 'Redis is unreachable: serving from the memory tier only';
      return { status: 'degraded', driver: 'redis', redis, ...withAlert({ severity: 'warning', message }) };
    } catch (error) {
      this.counters.count('errors');
      const message = `Cache health check failed: ${(error as Error).message}`;
      return { status: 'down', driver: this.store.driver, ...withAlert({ severity: 'critical', message }) };
    }
  }

  /** A compact reading for live views; reads memory first, so each snapshot has a fresh memory figure. */
  async snapshot(): Promise<CacheMonitorSnapshot> {
    const memory = await this.memory.sample();
    this.series.prune();
    const { counters } = this;
    return {
      timestamp: new Date(this.series.now()).toISOString(),
      hitRatio: counters.hitRatio(),
      hits: counters.hitCount,
      misses: counters.missCount,
      lookupLatencyMs: latencyOf(this.series.operations.toArray().filter((s) => s.kind === 'get')),
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
      counters: this.reports.getCounters(),
      timeSavedMs: counters.timeSavedMs(),
      tokensSaved: counters.tokensSaved(),
      degraded: this.store.degraded(),
      alerts: this.series.alerts(),
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
}
