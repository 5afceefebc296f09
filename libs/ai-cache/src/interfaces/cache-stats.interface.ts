import type { PerformanceStats } from '../monitor/monitor-reports.types';

/** The drivers the `driver` option picks from. */
export type BuiltInCacheDriver = 'memory' | 'redis';
/** What a store says it is: a built-in driver, or `'custom'` for a store of your own (the `store` option). */
export type CacheDriver = BuiltInCacheDriver | 'custom';
export type RedisStatus = 'connected' | 'degraded' | 'disabled';

export interface CacheStats {
  driver: CacheDriver;
  redis: { status: RedisStatus; keys?: number; memoryUsedBytes?: number };
  memory: { entries: number; maxEntries: number; bytes: number };
  /** The monitor's `getPerformanceStats()`. */
  performance: PerformanceStats;
}
