import type { CacheDriver } from '../interfaces/cache-stats.interface';
import type { CacheTier } from '../stores/cache-store.interface';

/** A clock in milliseconds since the epoch; injectable so analytics can be tested deterministically. */
export type Clock = () => number;

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface CacheAlert {
  severity: AlertSeverity;
  message: string;
}

export interface CacheHealth {
  status: 'up' | 'degraded' | 'down';
  driver: CacheDriver;
  redis?: { connected: boolean; latencyMs?: number };
  /** Percent of lookups that hit. */
  hitRatio: number;
  alerts: CacheAlert[];
}

/** What a lookup or write touched: a tier, or `miss` for a lookup that found nothing. */
export type OperationTier = CacheTier | 'miss';

export type CacheOperationKind = 'get' | 'set' | 'delete' | 'exists' | 'ttl';

export interface KeyGenerationSample {
  at: number;
  durationMs: number;
  textLength: number;
  textTier: string;
  operation: string;
}

export interface CacheOperationSample {
  at: number;
  durationMs: number;
  kind: CacheOperationKind;
  operation: string;
  tier: OperationTier;
}

export interface CompressionSample {
  at: number;
  originalBytes: number;
  compressedBytes: number;
  durationMs: number;
}

export interface InvalidationSample {
  at: number;
  pattern: string;
  keysInvalidated: number;
  durationMs: number;
  type: 'operation' | 'pattern' | 'all' | 'key';
  context: string;
}

/**
 * One reading of the cache's memory: the store's own figures plus the process's. The seed measured
 * `sys.getsizeof` of a dict; our stores count the bytes of the encoded entries they hold.
 */
export interface MemoryUsageSample {
  at: number;
  /** Bytes of encoded keys and values held in this process (the memory driver, or the L1 tier). */
  memoryCacheBytes: number;
  memoryCacheEntries: number;
  /** The entry bound in force for the in-process tier (0 when unknown). */
  memoryCacheMaxEntries: number;
  /** Redis `used_memory` (the whole server), when Redis is in use and answered. */
  redisMemoryBytes?: number;
  /** Keys of this namespace in Redis, when Redis is in use and answered. */
  redisKeys?: number;
  processRssBytes: number;
  processHeapUsedBytes: number;
}

/** The seed's `get_memory_warnings()` item. */
export interface MemoryWarning {
  severity: AlertSeverity;
  message: string;
  recommendations: string[];
}

/** The seed's `get_invalidation_recommendations()` item. */
export interface InvalidationRecommendation {
  severity: AlertSeverity;
  issue: string;
  message: string;
  suggestions: string[];
}

/** Token counts a model reported for one response. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** The seed's `get_recent_slow_operations()`, camelCase, durations in milliseconds. */
export interface SlowOperations {
  keyGeneration: Array<{ duration: number; textLength: number; textTier: string; operationType: string; timestamp: string; timesSlower: number }>;
  cacheOperations: Array<{ duration: number; operationType: CacheOperationKind; operation: string; tier: OperationTier; timestamp: string; timesSlower: number }>;
  compression: Array<{ compressionTime: number; originalSize: number; compressionRatio: number; timestamp: string; timesSlower: number }>;
}

/** Latency percentiles in milliseconds over the retained samples. */
export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

/** Running totals since start or `reset()`; never windowed (Prometheus counters are built from these). */
export interface CacheMonitorCounters {
  errors: number;
  /** Redis command failures the fail-open store absorbed (they never reach the service as errors). */
  redisErrors: number;
  /** Entries the in-process tier dropped on its own (size bound or expiry), as the stores report them. */
  evictions: number;
  coalescedWaits: number;
  /** Redis commands not even tried because the circuit breaker was open: served by memory alone. */
  degradedOperations: number;
  oversizeSkipped: number;
  corruptedEntries: number;
  /** Encrypted values that did not open (unknown key id or failed tag): served as misses and removed. */
  decryptFailures: number;
  computations: number;
  /** Misses that waited for another instance's computation (fleet-wide single flight). */
  fleetWaits: number;
  /** Leases taken over from a holder that vanished without a result (its process died or stalled). */
  leaseTakeovers: number;
  /** Computations that failed while holding the fleet's lease, and told the fleet so. */
  failureMarkers: number;
  /** Answers served stale, inside an entry's stale-while-revalidate window. */
  staleAnswers: number;
  /** Entries refreshed in the background (stale-while-revalidate, refresh-ahead). */
  backgroundRefreshes: number;
  /** Background refreshes whose computation failed (the entry in place is served until its time ends). */
  backgroundRefreshFailures: number;
}

/** The events of single flight and background refresh that the monitor counts. */
export type FlightEvent = 'fleetWaits' | 'leaseTakeovers' | 'failureMarkers' | 'staleAnswers' | 'backgroundRefreshes' | 'backgroundRefreshFailures';

/** A compact, JSON-ready reading of the monitor for live views (`snapshot()`, `snapshots$()`). */
export interface CacheMonitorSnapshot {
  /** ISO-8601 UTC. */
  timestamp: string;
  /** Percent of lookups that hit, since start or reset. */
  hitRatio: number;
  hits: number;
  misses: number;
  /** Lookup latency (every `get`, hit or miss) over the retained samples. */
  lookupLatencyMs: LatencyPercentiles;
  memory?: {
    memoryCacheBytes: number;
    memoryCacheEntries: number;
    redisMemoryBytes?: number;
    redisKeys?: number;
    processRssBytes: number;
    processHeapUsedBytes: number;
  };
  counters: CacheMonitorCounters;
  timeSavedMs: number;
  tokensSaved: TokenUsage;
  /** True while Redis is failing and memory alone serves. */
  degraded: boolean;
  alerts: CacheAlert[];
}
