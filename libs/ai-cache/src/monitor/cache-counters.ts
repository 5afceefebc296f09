import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import type { CacheTier } from '../stores/cache-store.interface';
import type { CacheMonitorTotals } from './cache-metrics';
import type { OperationLookupStats } from './monitor-reports.types';
import type { CacheMonitorCounters, CacheOperationKind, OperationTier, TokenUsage } from './monitor.types';
import { OperationStats, type OperationTotal } from './operation-stats';
import { percentOf } from './statistics';
import { extractTokenUsage } from './token-usage';

/** The counters the cache itself counts (the store's own, such as its breaker's, are read from it). */
export type CacheEventCounters = Omit<CacheMonitorCounters, 'redisErrors' | 'degradedOperations'>;
export type CacheEvent = keyof CacheEventCounters;

/**
 * The monitor's running totals since start or `reset()`, never windowed: hits and misses (per
 * operation and tier), timed operations per series, event counters, and what hits saved.
 * O(1) per record; no store, no clock.
 */
@Injectable()
export class CacheCounters {
  private hits = 0;
  private misses = 0;
  /** Per-operation totals, at most `monitoring.maxOperations` labels (the rest: `other`). */
  private readonly operations: OperationStats;
  private readonly events = zeroEvents();
  private computeTimeSavedMs = 0;
  private readonly tokens: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

  constructor(@Inject(RESOLVED_CACHE_OPTIONS) options: ResolvedCacheOptions) {
    this.operations = new OperationStats(options.monitoring.maxOperations);
  }

  /** The label `operation` is counted under: its name, or `other` once `maxOperations` names are taken. */
  labelOf(operation: string): string {
    return this.operations.recordsFor(operation).label;
  }

  /** A lookup (`tier`: where it hit, or `miss`); returns the timed series it was added to. */
  countLookup(operation: string, tier: OperationTier, durationMs: number): OperationTotal {
    const records = this.operations.recordsFor(operation);
    this.operations.countLookup(records, tier);
    if (tier === 'miss') this.misses++;
    else this.hits++;
    return this.operations.addDuration(records, 'get', tier, durationMs);
  }

  /** A timed write, delete, exists or ttl; returns its series. */
  countOperation(kind: Exclude<CacheOperationKind, 'get'>, operation: string, tier: OperationTier, durationMs: number): OperationTotal {
    return this.operations.addDuration(this.operations.recordsFor(operation), kind, tier, durationMs);
  }

  count(event: CacheEvent): void {
    this.events[event]++;
  }

  /** Model time a hit saved, and its tokens when the response carries usage in a known shape. */
  addTimeSaved(computeMs: number, response?: unknown): void {
    if (Number.isFinite(computeMs) && computeMs > 0) this.computeTimeSavedMs += computeMs;
    if (response === undefined) return;
    const usage = extractTokenUsage(response);
    if (usage) this.addTokensSaved(usage);
  }

  addTokensSaved(usage: TokenUsage): void {
    this.tokens.promptTokens += usage.promptTokens;
    this.tokens.completionTokens += usage.completionTokens;
    this.tokens.totalTokens += usage.totalTokens;
  }

  get hitCount(): number {
    return this.hits;
  }

  get missCount(): number {
    return this.misses;
  }

  /** Percent of lookups that hit (writes never count: the seed's denominator bug). */
  hitRatio(): number {
    return percentOf(this.hits, this.hits + this.misses);
  }

  eventCounters(): CacheEventCounters {
    return { ...this.events };
  }

  timeSavedMs(): number {
    return this.computeTimeSavedMs;
  }

  tokensSaved(): TokenUsage {
    return { ...this.tokens };
  }

  hitsByTier(): Record<CacheTier, number> {
    return this.operations.hitsByTier();
  }

  /** Hits, misses and hit rate of each operation label, in order of first lookup. */
  byOperation(): Record<string, OperationLookupStats> {
    return Object.fromEntries(
      [...this.operations.lookupEntries()].map(([operation, c]) => {
        const hits = c.memoryHits + c.redisHits;
        return [operation, { hits, misses: c.misses, hitRate: percentOf(hits, hits + c.misses) }];
      }),
    );
  }

  /** Timed store operations recorded since start or reset. */
  operationCount(): number {
    return this.operations.operationCount();
  }

  /** The totals Prometheus counters are made of; `counters` is the caller's (it adds the store's). */
  totals(counters: CacheMonitorCounters): Omit<CacheMonitorTotals, 'invalidations' | 'compression'> {
    return {
      hits: this.hits,
      misses: this.misses,
      lookups: this.operations.lookups(),
      operations: this.operations.totals(),
      counters,
      timeSavedMs: this.computeTimeSavedMs,
      tokensSaved: this.tokensSaved(),
    };
  }

  reset(): void {
    this.hits = 0;
    this.misses = 0;
    this.operations.clear();
    Object.assign(this.events, zeroEvents());
    this.computeTimeSavedMs = 0;
    this.tokens.promptTokens = 0;
    this.tokens.completionTokens = 0;
    this.tokens.totalTokens = 0;
  }
}

function zeroEvents(): CacheEventCounters {
  return {
    errors: 0,
    evictions: 0,
    coalescedWaits: 0,
    oversizeSkipped: 0,
    corruptedEntries: 0,
    decryptFailures: 0,
    computations: 0,
    fleetWaits: 0,
    leaseTakeovers: 0,
    failureMarkers: 0,
    staleAnswers: 0,
    backgroundRefreshes: 0,
    backgroundRefreshFailures: 0,
  };
}
