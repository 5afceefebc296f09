import { Injectable, Logger } from '@nestjs/common';
import type { StoreStats } from '../stores/cache-store.interface';
import { CacheCounters } from './cache-counters';
import { CacheTimeSeries } from './cache-time-series';
import type { MemoryUsageSample } from './monitor.types';
import { MonitoredStore } from './monitored-store';

/** How often memory is read in the background once the app has started (store stats + process memory). */
export const DEFAULT_MEMORY_SAMPLE_INTERVAL_MS = 60_000;

/**
 * Memory readings (the seed's `record_memory_usage`): the store's figures and the process's,
 * recorded in the time series, on demand and periodically once the app has started.
 */
@Injectable()
export class MemorySampler {
  private readonly logger = new Logger('AICache');
  private timer?: NodeJS.Timeout;
  private reading?: Promise<MemoryUsageSample | undefined>;

  constructor(
    private readonly store: MonitoredStore,
    private readonly series: CacheTimeSeries,
    private readonly counters: CacheCounters,
  ) {}

  /**
   * Reads memory every `intervalMs` (replacing any previous schedule). The timer is unref'd: it never
   * keeps the process alive. No reading at once: at bootstrap it would prime the Redis store's
   * short-lived key-count cache with the still-empty count (readings on demand cover the start).
   */
  start(intervalMs = DEFAULT_MEMORY_SAMPLE_INTERVAL_MS): void {
    assertPositiveInterval(intervalMs, 'startMemorySampling');
    this.stop();
    this.timer = setInterval(() => void this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Concurrent calls share one reading. Undefined without a store, or when the store cannot say. */
  sample(): Promise<MemoryUsageSample | undefined> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<MemoryUsageSample | undefined> {
    let stats: StoreStats | undefined;
    try {
      stats = await this.store.stats();
    } catch (error) {
      this.counters.count('errors');
      this.logger.debug?.(`Cache memory reading failed: ${(error as Error).message}`);
      return undefined;
    }
    if (!stats) return undefined;
    const { rss, heapUsed } = process.memoryUsage();
    const sample: MemoryUsageSample = {
      at: this.series.now(),
      memoryCacheBytes: stats.memory.bytes,
      memoryCacheEntries: stats.memory.entries,
      memoryCacheMaxEntries: stats.memory.maxEntries,
      ...(stats.redis.memoryUsedBytes !== undefined && { redisMemoryBytes: stats.redis.memoryUsedBytes }),
      ...(stats.redis.keys !== undefined && { redisKeys: stats.redis.keys }),
      processRssBytes: rss,
      processHeapUsedBytes: heapUsed,
    };
    this.series.addMemoryReading(sample);
    return sample;
  }
}

export function assertPositiveInterval(intervalMs: number, method: string): void {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError(`${method}: intervalMs must be a positive number of milliseconds, got ${intervalMs}`);
}
