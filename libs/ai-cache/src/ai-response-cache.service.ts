import { Inject, Injectable } from '@nestjs/common';
import { CACHE_STORE, RESOLVED_CACHE_OPTIONS } from './cache.constants';
import { resolveTtl } from './cache-options.resolver';
import { CacheCalls, isStale } from './calls/cache-calls';
import type { CacheCallOptions, CacheOutcome, CacheScopeOptions } from './calls/cache-call.types';
import type { StoreAccess } from './calls/store-access';
import type { AIRequest, CachedResponse, CacheResponseOptions } from './interfaces/ai-request.interface';
import type { CacheStats } from './interfaces/cache-stats.interface';
import type { ResolvedCacheOptions } from './interfaces/resolved-cache-options.interface';
import { assertValidOperation } from './keys/request-validation';
import { CacheMonitorService } from './monitor/cache-monitor.service';
import type { PerformanceSummary } from './monitor/monitor-reports.types';
import type { CacheStore } from './stores/cache-store.interface';
import type { CacheStreamOptions, StreamSource } from './streams/cached-stream';
import { INTERNAL_KEY_MARK, isInternalKey } from './stores/internal-keys';
import { msToWholeSeconds } from './utils/duration';

export type { CacheCallOptions, CacheOutcome, CacheScopeOptions } from './calls/cache-call.types';

/** Operation label for the generic key/value methods in metrics. */
const GENERIC_OPERATION = 'generic';
const MAX_GENERIC_KEY_LENGTH = 1024;

/**
 * The AI response cache: keys, TTLs, codec, single-flight and invalidation on top of one
 * CacheStore (memory, or memory in front of Redis). Every call reports to CacheMonitorService.
 *
 * Every request method starts from one prepared call (CacheCalls: validated and keyed once), and
 * reads and writes through StoreAccess. Failure policy: a broken cache must never break the app.
 * Reads that fail are misses, writes that fail are logged and counted; only bad input (a
 * non-string text, an uncacheable value) throws, because that is a bug in the caller that
 * retrying will not fix.
 */
@Injectable()
export class AIResponseCacheService {
  private readonly entries: StoreAccess;

  constructor(
    @Inject(RESOLVED_CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
    @Inject(CACHE_STORE) private readonly store: CacheStore,
    private readonly monitor: CacheMonitorService,
    // The module's one CacheCalls (shared with the decorator's explorer: one single flight for both).
    private readonly calls: CacheCalls = new CacheCalls(options, store, monitor),
  ) {
    this.entries = calls.entries;
  }

  // ---- generic key/value (the seed's CacheInterface) ----

  get<T = unknown>(key: string): Promise<T | undefined> {
    try {
      assertGenericKey(key);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.entries.lookup<T, T | undefined>(key, GENERIC_OPERATION, (hit) => hit?.value);
  }

  async set(key: string, value: unknown, ttl?: number | string): Promise<void> {
    assertGenericKey(key);
    const ttlSeconds = ttl === undefined ? this.options.defaultTtl : resolveTtl(ttl, 'ttl');
    await this.entries.write(key, value, ttlSeconds, { operation: GENERIC_OPERATION });
  }

  async delete(key: string): Promise<boolean> {
    assertGenericKey(key);
    const started = performance.now();
    const removed = await this.entries.remove(key);
    this.monitor.recordOperation('delete', GENERIC_OPERATION, this.entries.writeTier, performance.now() - started);
    return removed;
  }

  async exists(key: string): Promise<boolean> {
    assertGenericKey(key);
    return this.entries.guard(() => this.store.exists(key), false);
  }

  /** Whole seconds left (rounded up, as Redis TTL), or undefined when the key is missing. */
  async getTtl(key: string): Promise<number | undefined> {
    assertGenericKey(key);
    const ms = await this.entries.guard(() => this.store.ttl(key), undefined);
    return ms === undefined ? undefined : msToWholeSeconds(ms);
  }

  // ---- AI responses ----

  /** The relative key `cacheResponse`/`getCachedResponse` use for `request` (usable with getTtl/exists/delete). */
  buildKey(request: AIRequest, options: CacheScopeOptions = {}): string {
    return this.calls.keyFor(request, options.scope).key;
  }

  async cacheResponse(request: AIRequest, response: unknown, options: CacheResponseOptions & CacheScopeOptions = {}): Promise<void> {
    const call = this.calls.prepare(request, options);
    // The module's stale window applies here too: a getOrCompute of the same request answers it stale while it refreshes.
    await this.entries.write(call.key, response, call.ttlSeconds, { operation: call.operation, textLength: call.textLength }, call.staleSeconds);
  }

  /** Not `async`: a memory hit answers with one promise and no other asynchronous work. */
  getCachedResponse<T = unknown>(request: AIRequest, options: CacheScopeOptions = {}): Promise<CachedResponse<T> | undefined> {
    let call;
    try {
      call = this.calls.prepare(request, options);
    } catch (error) {
      return Promise.reject(error); // bad input rejects, as from any async method
    }
    const { textLength } = call;
    return this.entries.lookup<T, CachedResponse<T> | undefined>(call.key, call.operation, (hit) =>
      hit === undefined
        ? undefined
        : {
            response: hit.value,
            cachedAt: new Date(hit.entry.cachedAt).toISOString(),
            tier: hit.tier,
            compressed: hit.entry.compressed,
            textLength: hit.entry.textLength ?? textLength,
            ...(isStale(hit) && { stale: true as const }),
          },
    );
  }

  /**
   * Cached value for `request`, or `compute()`'s result, cached. Concurrent identical misses share
   * one computation; its rejection reaches every waiter and is never cached. `options` may scope
   * the entry to a tenant and skip the read (`noCache`), the write (`noStore`) or replace the entry
   * (`forceRefresh`): what `@CachedAIResponse()` methods take from the AICacheContext.
   */
  async getOrCompute<T>(request: AIRequest, compute: () => T | Promise<T>, options: CacheCallOptions<T> = {}): Promise<T> {
    return (await this.getOrComputeWithStatus(request, compute, options)).value;
  }

  /** `getOrCompute`, telling whether the value came from the cache (for `X-Cache` headers and logs). */
  async getOrComputeWithStatus<T>(request: AIRequest, compute: () => T | Promise<T>, options: CacheCallOptions<T> = {}): Promise<CacheOutcome<T>> {
    return this.calls.getOrCompute(this.calls.prepare(request, options), compute);
  }

  /**
   * `getOrCompute` for streams (LLM tokens, SDK stream parts). Iterating the result replays a hit
   * (a stored array of the items), or records `start()`'s stream while it is read and stores the
   * array once it completed: never a stream that failed or that every reader left early. Identical
   * concurrent calls share one upstream (late joiners get the items they missed first).
   * `options.onOutcome` tells each iteration whether it was a hit, a miss or coalesced.
   */
  getOrComputeStream<T>(request: AIRequest, start: () => StreamSource<T>, options: CacheStreamOptions<T> = {}): AsyncIterable<T> {
    return this.calls.stream(this.calls.prepare(request, options), start, options.onOutcome);
  }

  // ---- invalidation ----

  /** Removes exactly `operation`'s entries (never `operation_v2`'s) in every tier; returns how many. */
  async invalidateByOperation(operation: string, context = ''): Promise<number> {
    assertValidOperation(operation);
    return this.entries.invalidate(this.calls.keys.operationPattern(operation), { pattern: operation, type: 'operation', context });
  }

  /**
   * The seed's semantics: every key of this namespace containing `pattern`, with glob characters
   * (`*`, `?`, `[…]`) honoured. Matches across operations by design: use invalidateByOperation for exactness.
   */
  async invalidatePattern(pattern: string, context = ''): Promise<number> {
    if (typeof pattern !== 'string' || pattern.length === 0) {
      throw new TypeError('invalidatePattern: pattern must be a non-empty string (use invalidateAll() to clear the namespace)');
    }
    return this.entries.invalidate(`*${pattern}*`, { pattern, type: 'pattern', context });
  }

  /** Removes everything of this namespace (generic keys included), never anything else. */
  async invalidateAll(context = ''): Promise<number> {
    return this.entries.invalidate(undefined, { pattern: '*', type: 'all', context });
  }

  clear(): Promise<number> {
    return this.invalidateAll('clear');
  }

  // ---- stats ----

  async getCacheStats(): Promise<CacheStats> {
    const stats = await this.entries.guard(() => this.store.stats(), {
      redis: { status: 'degraded' as const },
      memory: { entries: 0, maxEntries: 0, bytes: 0 },
    });
    return { driver: this.store.driver, redis: stats.redis, memory: stats.memory, performance: this.monitor.getPerformanceStats() };
  }

  /** Percent of lookups that hit. */
  getCacheHitRatio(): number {
    return this.monitor.getHitRatio();
  }

  /** The seed's performance summary, camelCase (durations in milliseconds). */
  getPerformanceSummary(): PerformanceSummary {
    const stats = this.monitor.getPerformanceStats();
    const invalidation = this.monitor.getInvalidationFrequencyStats();
    return {
      hitRatio: stats.cacheHitRate,
      totalOperations: stats.totalCacheOperations,
      cacheHits: stats.cacheHits,
      cacheMisses: stats.cacheMisses,
      recentAvgKeyGenerationTime: stats.keyGeneration?.avgDuration ?? 0,
      recentAvgCacheOperationTime: stats.cacheOperations?.avgDuration ?? 0,
      totalInvalidations: invalidation.totalInvalidations,
      totalKeysInvalidated: invalidation.totalKeysInvalidated,
      timeSavedMs: stats.timeSavedMs,
    };
  }
}

function assertGenericKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_GENERIC_KEY_LENGTH) {
    throw new TypeError(`Cache key must be a non-empty string of at most ${MAX_GENERIC_KEY_LENGTH} characters, got ${typeof key === 'string' ? `${key.length} characters` : typeof key}`);
  }
  // The library's own keys (fleet leases, failure markers) start with it: a generic key must not reach them.
  if (isInternalKey(key)) throw new TypeError(`Cache key must not start with '${INTERNAL_KEY_MARK}' (reserved for the library's own keys), got '${key.slice(0, 40)}'`);
}
