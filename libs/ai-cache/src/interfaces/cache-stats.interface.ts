import type { PerformanceStats } from '../monitor/monitor-reports.types';

export type CacheDriver = 'memory' | 'redis';
export type RedisStatus = 'connected' | 'degraded' | 'disabled';

export interface CacheStats {
  driver: CacheDriver;
  redis: { status: RedisStatus; keys?: number; memoryUsedBytes?: number };
  memory: { entries: number; maxEntries: number; bytes: number };
  /** The monitor's `getPerformanceStats()`. */
  performance: PerformanceStats;
}
