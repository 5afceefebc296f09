import { Inject, Injectable, Logger } from '@nestjs/common';
import { CACHE_STORE, RESOLVED_CACHE_OPTIONS } from './cache.constants';
import { resolveTtl } from './cache-options.resolver';
import { envelopeJson } from './codec/entry-envelope';
import { cloneJson } from './codec/json-clone';
import { jsonBytesAtLeast } from './codec/json-size';
import type { CacheEntry } from './interfaces/cache-entry.interface';
import type {
  AIRequest,
  CachedResponse,
  CacheResponseOptions,
  GetOrComputeOptions,
} from './interfaces/ai-request.interface';
import type { CacheStats } from './interfaces/cache-stats.interface';
import type { ResolvedCacheOptions } from './interfaces/resolved-cache-options.interface';
import { assertJsonCompatible } from './keys/canonical-json';
import { type BuiltKey, CacheKeyBuilder } from './keys/cache-key.builder';
import { assertValidOperation } from './keys/request-validation';
import { CacheMonitorService } from './monitor/cache-monitor.service';
import type { PerformanceSummary } from './monitor/monitor-reports.types';
import type { InvalidationSample } from './monitor/monitor.types';
import type { CacheStore, CacheTier, StoreRead } from './stores/cache-store.interface';
import { type CacheStreamOptions, cachedStream, type StreamSource } from './streams/cached-stream';
import { StreamFlights } from './streams/stream-flights';
import { AsyncCoalescer } from './utils/coalesce-async';
import { msToWholeSeconds, toIsoString } from './utils/duration';

/** A lookup that found an entry: a copy of its value, the entry itself (shared: read-only) and the tier. */
interface Hit<T> {
  value: T;
  entry: CacheEntry;
  tier: CacheTier;
}

/** Operation label for the generic key/value methods in metrics. */
const GENERIC_OPERATION = 'generic';
const MAX_GENERIC_KEY_LENGTH = 1024;

/** How a `getOrComputeWithStatus` call was answered. */
export interface CacheOutcome<T> {
  value: T;
  /** `hit`: served from the cache; `miss`: this call computed; `coalesced`: waited for an identical call's computation. */
  status: 'hit' | 'miss' | 'coalesced';
  /** The tier that answered a hit. */
  tier?: CacheTier;
}

/** Which tenant's entries a call reads and writes. */
export interface CacheScopeOptions {
  /**
   * A tenant (or any isolation scope): it enters the key hashed, never raw, so entries of one scope
   * are never answers for another. Undefined: the shared, unscoped entries.
   */
  scope?: string;
}

/** `getOrCompute` options, plus the scope and the per-call read/write controls. */
export interface CacheCallOptions<T> extends GetOrComputeOptions<T>, CacheScopeOptions {
  /** Skip the read (always compute), still write the result: HTTP `Cache-Control: no-cache`. */
  noCache?: boolean;
  /** Read, but never write what this call computes: HTTP `Cache-Control: no-store`. */
  noStore?: boolean;
  /**
   * Drop the cached entry before computing, so that no caller is served the old answer once a
   * refresh was asked for (identical calls meanwhile wait for the new one), then write the new one.
   */
  forceRefresh?: boolean;
}

/**
 * Flights of calls that will not write their result get their own single-flight key: a call that
 * asked for no-store must never cause a write, and a caller that expects a write must not wait on
 * a flight that will skip it.
 */
const NO_STORE_FLIGHT_SUFFIX = '\u0000no-store';

/**
 * The AI response cache: keys, TTLs, codec, single-flight and invalidation on top of one
 * CacheStore (memory, or memory in front of Redis). Every call reports to CacheMonitorService.
 *
 * Failure policy: a broken cache must never break the app. Reads that fail are misses, writes
 * that fail are logged and counted; only bad input (a non-string text, an uncacheable value)
 * throws, because that is a bug in the caller that retrying will not fix.
 */
@Injectable()
export class AIResponseCacheService {
  private readonly logger = new Logger('AICache');
  private readonly keys: CacheKeyBuilder;
  private readonly inFlight = new AsyncCoalescer();
  private readonly streamFlights = new StreamFlights();
  private oversizeLogged = false;
  /** The tier metrics label writes and deletes with: Redis is the authority on the redis driver. */
  private readonly writeTier: CacheTier;

  constructor(
    @Inject(RESOLVED_CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
    @Inject(CACHE_STORE) private readonly store: CacheStore,
    private readonly monitor: CacheMonitorService,
  ) {
    this.keys = new CacheKeyBuilder(options);
    this.writeTier = store.driver === 'memory' ? 'memory' : 'redis';
  }

  // ---- generic key/value (the seed's CacheInterface) ----

  get<T = unknown>(key: string): Promise<T | undefined> {
    try {
      assertGenericKey(key);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.lookup<T, T | undefined>(key, GENERIC_OPERATION, (hit) => hit?.value);
  }

  async set(key: string, value: unknown, ttl?: number | string): Promise<void> {
    assertGenericKey(key);
    const ttlSeconds = ttl === undefined ? this.options.defaultTtl : resolveTtl(ttl, 'ttl');
    await this.write(key, value, ttlSeconds, { operation: GENERIC_OPERATION });
  }

  async delete(key: string): Promise<boolean> {
    assertGenericKey(key);
    const started = performance.now();
    const removed = await this.guard(() => this.store.delete(key), false);
    this.monitor.recordOperation('delete', GENERIC_OPERATION, this.writeTier, performance.now() - started);
    return removed;
  }

  async exists(key: string): Promise<boolean> {
    assertGenericKey(key);
    return this.guard(() => this.store.exists(key), false);
  }

  /** Whole seconds left (rounded up, as Redis TTL), or undefined when the key is missing. */
  async getTtl(key: string): Promise<number | undefined> {
    assertGenericKey(key);
    const ms = await this.guard(() => this.store.ttl(key), undefined);
    return ms === undefined ? undefined : msToWholeSeconds(ms);
  }

  // ---- AI responses ----

  /** The relative key `cacheResponse`/`getCachedResponse` use for `request` (usable with getTtl/exists/delete). */
  buildKey(request: AIRequest, options: CacheScopeOptions = {}): string {
    return this.keyFor(request, options.scope).key;
  }

  async cacheResponse(
    request: AIRequest,
    response: unknown,
    options: CacheResponseOptions & CacheScopeOptions = {},
  ): Promise<void> {
    const built = this.keyFor(request, options.scope);
    await this.write(built.key, response, this.ttlFor(built.operation, options.ttl), {
      operation: built.operation,
      textLength: built.textLength,
    });
  }

  /** Not `async`: a memory hit answers with one promise and no other asynchronous work. */
  getCachedResponse<T = unknown>(request: AIRequest, options: CacheScopeOptions = {}): Promise<CachedResponse<T> | undefined> {
    let built: BuiltKey;
    try {
      built = this.keyFor(request, options.scope);
    } catch (error) {
      return Promise.reject(error); // bad input rejects, as from any async method
    }
    return this.lookup<T, CachedResponse<T> | undefined>(built.key, built.operation, (hit) =>
      hit === undefined
        ? undefined
        : {
            response: hit.value,
            cachedAt: toIsoString(hit.entry.cachedAt),
            tier: hit.tier,
            compressed: hit.entry.compressed,
            textLength: hit.entry.textLength ?? built.textLength,
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
  async getOrComputeWithStatus<T>(
    request: AIRequest,
    compute: () => T | Promise<T>,
    options: CacheCallOptions<T> = {},
  ): Promise<CacheOutcome<T>> {
    const built = this.keyFor(request, options.scope);
    const ttlSeconds = this.ttlFor(built.operation, options.ttl);
    if (options.forceRefresh) {
      await this.guard(() => this.store.delete(built.key), false);
    } else if (!options.noCache) {
      const found = await this.lookup<T, Hit<T> | undefined>(built.key, built.operation, (hit) => hit);
      if (found) return { value: found.value, status: 'hit', tier: found.tier };
    }

    const store = !options.noStore;
    let joined = false;
    const value = await this.inFlight.run(
      store ? built.key : built.key + NO_STORE_FLIGHT_SUFFIX,
      () => this.computeAndStore(built, compute, ttlSeconds, options.unless, store),
      () => {
        joined = true;
        this.monitor.recordCoalescedWait();
      },
    );
    // Waiters get their own copy, as a hit would: one caller mutating its result must not change another's.
    return joined ? { value: copyOf(value), status: 'coalesced' } : { value, status: 'miss' };
  }

  /**
   * `getOrCompute` for streams (LLM tokens, SDK stream parts). Iterating the result replays a hit
   * (a stored array of the items), or records `start()`'s stream while it is read and stores the
   * array once it completed: never a stream that failed or that every reader left early. Identical
   * concurrent calls share one upstream (late joiners get the items they missed first).
   * `options.onOutcome` tells each iteration whether it was a hit, a miss or coalesced.
   */
  getOrComputeStream<T>(request: AIRequest, start: () => StreamSource<T>, options: CacheStreamOptions<T> = {}): AsyncIterable<T> {
    const built = this.keyFor(request, options.scope);
    const ttlSeconds = this.ttlFor(built.operation, options.ttl);
    return cachedStream(start, options, {
      flights: this.streamFlights,
      flightKey: options.noStore ? built.key + NO_STORE_FLIGHT_SUFFIX : built.key,
      operation: built.operation,
      read: () => this.lookup<unknown, Hit<unknown> | undefined>(built.key, built.operation, (hit) => hit),
      drop: () => this.guard(() => this.store.delete(built.key), false),
      write: (items, computeMs) =>
        this.write(built.key, items, ttlSeconds, { operation: built.operation, textLength: built.textLength, computeMs }),
      monitor: this.monitor,
      logger: this.logger,
    });
  }

  // ---- invalidation ----

  /** Removes exactly `operation`'s entries (never `operation_v2`'s) in every tier; returns how many. */
  async invalidateByOperation(operation: string, context = ''): Promise<number> {
    assertValidOperation(operation);
    return this.invalidate(this.keys.operationPattern(operation), { pattern: operation, type: 'operation', context });
  }

  /**
   * The seed's semantics: every key of this namespace containing `pattern`, with glob characters
   * (`*`, `?`, `[…]`) honoured. Matches across operations by design: use invalidateByOperation for exactness.
   */
  async invalidatePattern(pattern: string, context = ''): Promise<number> {
    if (typeof pattern !== 'string' || pattern.length === 0) {
      throw new TypeError('invalidatePattern: pattern must be a non-empty string (use invalidateAll() to clear the namespace)');
    }
    return this.invalidate(`*${pattern}*`, { pattern, type: 'pattern', context });
  }

  /** Removes everything of this namespace (generic keys included), never anything else. */
  async invalidateAll(context = ''): Promise<number> {
    return this.invalidate(undefined, { pattern: '*', type: 'all', context });
  }

  clear(): Promise<number> {
    return this.invalidateAll('clear');
  }

  // ---- stats ----

  async getCacheStats(): Promise<CacheStats> {
    const stats = await this.guard(() => this.store.stats(), {
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

  // ---- internals ----

  private keyFor(request: AIRequest, scope?: string): BuiltKey {
    const started = performance.now();
    const built = this.keys.build(request, scope);
    this.monitor.recordKeyGeneration(performance.now() - started, built.textLength, built.textTier, built.operation);
    return built;
  }

  private ttlFor(operation: string, ttl: number | string | undefined): number {
    if (ttl !== undefined) return resolveTtl(ttl, 'ttl');
    return this.options.operationTtls[operation] ?? this.options.defaultTtl;
  }

  /**
   * Reads `key` and hands `answer` the hit (its value a fresh copy) or undefined, counting the lookup.
   * A store that answers synchronously (a memory tier) costs one resolved promise and nothing else:
   * this is the hot path of every hit, so it is written without `async`.
   */
  private lookup<T, R>(key: string, operation: string, answer: (hit: Hit<T> | undefined) => R): Promise<R> {
    const started = performance.now();
    let read: StoreRead | undefined | Promise<StoreRead | undefined>;
    try {
      read = this.store.get(key);
    } catch (error) {
      read = Promise.reject(error);
    }
    if (!(read instanceof Promise)) return Promise.resolve(answer(this.hit<T>(key, operation, read, started)));
    return read.then(
      (found) => answer(this.hit<T>(key, operation, found, started)),
      (error: unknown) => {
        this.storeFailed(error);
        return answer(this.hit<T>(key, operation, undefined, started));
      },
    );
  }

  /** Counts the lookup; a hit gets a copy of the value (stores share theirs). */
  private hit<T>(key: string, operation: string, read: StoreRead | undefined, started: number): Hit<T> | undefined {
    let value: T | undefined;
    if (read !== undefined) {
      try {
        value = cloneJson(read.entry.value) as T;
      } catch {
        // A value nested too deep to copy: JSON.parse accepts nesting that no write of ours produces
        // (the encoder's checks recurse), so only hostile bytes read from Redis get here: a corrupted
        // entry, removed, not a RangeError.
        this.monitor.recordCorruptedEntry();
        void this.guard(() => this.store.delete(key), false);
        read = undefined;
      }
    }
    const durationMs = performance.now() - started;
    if (read === undefined) {
      this.monitor.recordLookup(operation, 'miss', durationMs);
      return undefined;
    }
    this.monitor.recordLookup(operation, read.tier, durationMs);
    this.monitor.recordTimeSaved(read.entry.computeMs ?? 0, read.entry.value);
    return { value: value as T, entry: read.entry, tier: read.tier };
  }

  /**
   * Checks the value (a bad one throws before anything is written), makes its envelope JSON once (the
   * store that keeps bytes encodes it; memory tiers copy the value), then stores it.
   */
  private async write(
    key: string,
    value: unknown,
    ttlSeconds: number,
    meta: { operation: string; textLength?: number; computeMs?: number },
  ): Promise<boolean> {
    if (value === undefined) throw new TypeError('Cannot cache undefined: it has no JSON representation (use null)');
    assertJsonCompatible(value, 'value');
    // Refused before it is serialized (let alone compressed) when its size is already known to be too large.
    const atLeast = jsonBytesAtLeast(value, this.options.maxEntryBytes);
    if (atLeast > this.options.maxEntryBytes) {
      this.refuseOversize(atLeast, meta.operation);
      return false;
    }
    const cachedAt = Date.now();
    const { operation, textLength, computeMs } = meta;
    const json = envelopeJson({ value, cachedAt, operation, textLength, computeMs });
    const size = Buffer.byteLength(json, 'utf8');
    if (size > this.options.maxEntryBytes) {
      this.refuseOversize(size, meta.operation);
      return false;
    }
    const expiresAt = cachedAt + ttlSeconds * 1000;
    // One literal of fixed shape (see entryWith): entries are copied and read on every hot path.
    const entry: CacheEntry = { value, cachedAt, expiresAt, staleUntil: expiresAt, compressed: false, size, operation, textLength, computeMs };
    const started = performance.now();
    const ok = await this.guard(async () => {
      await this.store.set(key, entry, json);
      return true;
    }, false);
    this.monitor.recordOperation('set', meta.operation, this.writeTier, performance.now() - started);
    return ok;
  }

  private refuseOversize(bytes: number, operation: string): void {
    this.monitor.recordOversize();
    if (this.oversizeLogged) return;
    this.oversizeLogged = true;
    this.logger.warn(
      `Not caching an entry of ${bytes} bytes or more for '${operation}': above maxEntryBytes (${this.options.maxEntryBytes}). ` +
        'Further oversize entries are counted in the monitor, not logged.',
    );
  }

  private async computeAndStore<T>(
    built: BuiltKey,
    compute: () => T | Promise<T>,
    ttlSeconds: number,
    unless: ((result: T) => boolean) | undefined,
    store = true,
  ): Promise<T> {
    const started = performance.now();
    const value = await compute();
    const computeMs = performance.now() - started;
    this.monitor.recordComputation();
    if (!store || unless?.(value) === true) return value;
    try {
      await this.write(built.key, value, ttlSeconds, { operation: built.operation, textLength: built.textLength, computeMs });
    } catch (error) {
      // The model answered; a value we cannot cache (e.g. a function inside) must not fail the call.
      this.monitor.recordError();
      this.logger.warn(`Not caching the result of '${built.operation}': ${(error as Error).message}`);
    }
    return value;
  }

  private async invalidate(pattern: string | undefined, sample: Omit<InvalidationSample, 'at' | 'keysInvalidated' | 'durationMs'>): Promise<number> {
    const started = performance.now();
    const removed = await this.guard(() => (pattern === undefined ? this.store.clear() : this.store.deleteMatching(pattern)), 0);
    this.monitor.recordInvalidation({ ...sample, keysInvalidated: removed, durationMs: performance.now() - started });
    return removed;
  }

  /** Stores handle their own outages; this is the last line: a store error becomes `fallback`, counted. */
  private async guard<R>(action: () => Promise<R>, fallback: R): Promise<R> {
    try {
      return await action();
    } catch (error) {
      this.storeFailed(error);
      return fallback;
    }
  }

  private storeFailed(error: unknown): void {
    this.monitor.recordError();
    this.logger.debug?.(`Cache store error: ${(error as Error).message}`);
  }

}

function assertGenericKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_GENERIC_KEY_LENGTH) {
    throw new TypeError(`Cache key must be a non-empty string of at most ${MAX_GENERIC_KEY_LENGTH} characters, got ${typeof key === 'string' ? `${key.length} characters` : typeof key}`);
  }
}

function copyOf<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return value; // Not cloneable (e.g. holds a function): it was not cacheable either; share it.
  }
}
