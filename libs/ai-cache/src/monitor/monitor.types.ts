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
