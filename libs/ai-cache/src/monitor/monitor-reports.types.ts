import type { CacheTier, StoreDiagnostics } from '../stores/cache-store.interface';
import type {
  CacheMonitorCounters,
  CacheOperationKind,
  InvalidationSample,
  KeyGenerationSample,
  LatencyPercentiles,
  MemoryUsageSample,
  OperationTier,
  TokenUsage,
} from './monitor.types';

/** The seed's duration summary of a series, in milliseconds (0 for an empty window). */
export interface DurationSummary {
  avgDuration: number;
  medianDuration: number;
  maxDuration: number;
  minDuration: number;
}

/** Hits, misses and hit rate (percent) of one operation's lookups. */
export interface OperationLookupStats {
  hits: number;
  misses: number;
  hitRate: number;
}

export interface KeyGenerationStats extends DurationSummary {
  totalOperations: number;
  avgTextLength: number;
  maxTextLength: number;
  /** Key builds slower than 100 ms (the seed's key_generation_threshold). */
  slowOperations: number;
  byTextTier: Record<string, number>;
}

export interface CacheOperationStats extends DurationSummary {
  totalOperations: number;
  /** Operations slower than `monitoring.slowOperationMs`. */
  slowOperations: number;
  byOperationType: Partial<Record<CacheOperationKind, { count: number; avgDuration: number; maxDuration: number }>>;
  /** Percentiles per operation, then per tier (`miss` for lookups that found nothing). */
  latency: Record<string, Partial<Record<OperationTier, LatencyPercentiles>>>;
}

/** Ratios are compressed / original (lower is better); times in milliseconds. */
export interface CompressionStats {
  totalOperations: number;
  avgCompressionRatio: number;
  medianCompressionRatio: number;
  bestCompressionRatio: number;
  worstCompressionRatio: number;
  avgCompressionTime: number;
  maxCompressionTime: number;
  totalBytesProcessed: number;
  totalBytesSaved: number;
  overallSavingsPercent: number;
}

export interface MemoryThresholdsMb {
  warningThresholdMb: number;
  criticalThresholdMb: number;
}

/** `getMemoryUsageStats()` before any reading. */
export interface NoMemoryMeasurements extends MemoryThresholdsMb {
  noMeasurements: true;
}

/** `getMemoryUsageStats()`: the latest reading, the thresholds, and trends over the last ten readings. */
export interface MemoryUsageReport {
  current: {
    timestamp: string;
    totalCacheSizeMb: number;
    totalCacheSizeBytes: number;
    memoryCacheSizeMb: number;
    memoryCacheSizeBytes: number;
    redisMemoryMb?: number;
    redisMemoryBytes?: number;
    cacheEntryCount: number;
    memoryCacheEntryCount: number;
    memoryCacheMaxEntries: number;
    memoryCacheUtilizationPercent: number;
    avgEntrySizeBytes: number;
    processMemoryMb: number;
    processMemoryBytes: number;
    processHeapUsedMb: number;
    cacheUtilizationPercent: number;
    warningThresholdReached: boolean;
  };
  thresholds: MemoryThresholdsMb & { warningThresholdReached: boolean; criticalThresholdReached: boolean };
  trends: {
    totalMeasurements: number;
    avgTotalCacheSizeMb: number;
    maxTotalCacheSizeMb: number;
    avgMemoryCacheSizeMb: number;
    avgEntryCount: number;
    maxEntryCount: number;
    /** Once two readings are apart in time. */
    growthRateBytesPerHour?: number;
    growthRateMbPerHour?: number;
  };
}

export type MemoryUsageStats = NoMemoryMeasurements | MemoryUsageReport;

export type InvalidationAlertLevel = 'normal' | 'warning' | 'critical';

/** Running totals and thresholds: in every invalidation report. */
export interface InvalidationTotals {
  totalInvalidations: number;
  totalKeysInvalidated: number;
  warningThresholdPerHour: number;
  criticalThresholdPerHour: number;
}

/** `getInvalidationFrequencyStats()` while no invalidation is retained. */
export interface NoInvalidations extends InvalidationTotals {
  noInvalidations: true;
}

export interface InvalidationFrequencyReport extends InvalidationTotals {
  rates: { lastHour: number; last24Hours: number; averagePerHour: number };
  thresholds: { warningPerHour: number; criticalPerHour: number; currentAlertLevel: InvalidationAlertLevel };
  patterns: {
    mostCommonPatterns: Record<string, number>;
    invalidationTypes: Partial<Record<InvalidationSample['type'], number>>;
    recentEventsAnalysed: number;
  };
  efficiency: { avgKeysPerInvalidation: number; avgDuration: number; maxDuration: number };
}

export type InvalidationFrequencyStats = NoInvalidations | InvalidationFrequencyReport;

/**
 * `getPerformanceStats()`: the seed's keys in camelCase. The sections after `tokensSaved` are
 * present once their series holds a sample in the retention window (the store's, with a store
 * that reports diagnostics).
 */
export interface PerformanceStats {
  /** ISO-8601 UTC. */
  timestamp: string;
  retentionHours: number;
  /** Percent of lookups that hit. */
  cacheHitRate: number;
  /** Lookups (hits + misses): writes never count. */
  totalCacheOperations: number;
  cacheHits: number;
  cacheMisses: number;
  hitsByTier: Record<CacheTier, number>;
  byOperation: Record<string, OperationLookupStats>;
  counters: CacheMonitorCounters;
  timeSavedMs: number;
  tokensSaved: TokenUsage;
  store?: StoreDiagnostics;
  keyGeneration?: KeyGenerationStats;
  cacheOperations?: CacheOperationStats;
  compression?: CompressionStats;
  memoryUsage?: MemoryUsageStats;
  invalidation?: InvalidationFrequencyStats;
}

type Timestamped<T extends { at: number }> = Omit<T, 'at'> & { timestamp: string };

/** `exportMetrics()`: every retained series with ISO timestamps, and the running totals. JSON-safe. */
export interface ExportedMetrics {
  exportTimestamp: string;
  retentionHours: number;
  keyGenerationTimes: Timestamped<KeyGenerationSample>[];
  cacheOperationTimes: Array<{ timestamp: string; durationMs: number; kind: CacheOperationKind; operation: string; tier: OperationTier }>;
  compressionRatios: Array<{ timestamp: string; originalBytes: number; compressedBytes: number; durationMs: number; compressionRatio: number }>;
  memoryUsageMeasurements: Array<Timestamped<MemoryUsageSample> & { totalCacheSizeBytes: number }>;
  invalidationEvents: Timestamped<InvalidationSample>[];
  cacheHits: number;
  cacheMisses: number;
  /** Timed store operations (lookups, writes, deletes) since start or reset. */
  totalOperations: number;
  totalInvalidations: number;
  totalKeysInvalidated: number;
  counters: CacheMonitorCounters;
  timeSavedMs: number;
  tokensSaved: TokenUsage;
}

/** `AIResponseCacheService.getPerformanceSummary()`: the seed's summary, camelCase, durations in milliseconds. */
export interface PerformanceSummary {
  /** Percent of lookups that hit. */
  hitRatio: number;
  totalOperations: number;
  cacheHits: number;
  cacheMisses: number;
  /** Mean key build time over the retained samples. */
  recentAvgKeyGenerationTime: number;
  /** Mean store operation time over the retained samples. */
  recentAvgCacheOperationTime: number;
  totalInvalidations: number;
  totalKeysInvalidated: number;
  timeSavedMs: number;
}
