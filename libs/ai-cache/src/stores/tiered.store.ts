import { DEFAULT_MAX_SIZE } from '../cache.constants';
import type { DecodedEntry } from '../codec/cache-entry.codec';
import type { CacheDriver } from '../interfaces/cache-stats.interface';
import { compileGlob } from '../utils/glob';
import type { CacheStore, StoreDiagnostics, StoreHealth, StoreStats, StoredEntry } from './cache-store.interface';
import type { CircuitBreakerCounters, StoreLogger } from './circuit-breaker';
import { L1InvalidationChannel, type L1Invalidation, type L1InvalidationCounters } from './l1-invalidation.channel';
import { MemoryStore, type MemoryEvictionReason } from './memory.store';
import type { RedisStore } from './redis.store';

export interface TieredStoreOptions {
  /** The L2 tier. The tiered store closes it on close() (the RedisStore itself never closes a user's client). */
  redis: RedisStore;
  /** Entries of the L1 memory tier in front of Redis; 0 turns L1 off. */
  memoryCacheSize: number;
  /**
   * Entries kept in memory in total while Redis is unreachable. Default: the larger of
   * `memoryCacheSize` and the memory driver's default size (1000).
   */
  degradedMemorySize?: number;
  /** Keep the L1 of every instance on this Redis coherent through pub/sub. Default true. */
  coherence?: boolean;
  /** Milliseconds connect() waits for the invalidation subscription. Default 2000. */
  connectTimeoutMs?: number;
  logger?: StoreLogger;
  /** Called when an entry leaves a memory tier for lack of room or by expiry (for the monitor). */
  onEvict?: (key: string, reason: MemoryEvictionReason) => void;
  /** Identifies this instance on the invalidation channel. Default: a random UUID. */
  instanceId?: string;
  /**
   * The codec's `decode`: the memory tiers keep entries decoded, so an L1 hit costs neither an
   * inflate nor a parse (see MemoryStore), and a Redis hit that fills L1 is decoded once, not twice.
   * Without it, memory tiers keep the bytes as Redis has them.
   */
  decode?: (bytes: Buffer) => DecodedEntry<unknown> | undefined;
}

/** A read in flight from Redis: it must not copy its answer into L1 if the key changed meanwhile. */
interface PendingFill {
  stale: boolean;
}

/**
 * Subtracted from every L1 lifetime: MemoryStore reads its clock a moment after ours, and Redis counts
 * whole milliseconds. With it, an L1 copy always expires before the Redis entry it came from.
 */
const CLOCK_MARGIN_MS = 1;

/**
 * `driver: 'redis'`: L1 (a small MemoryStore) in front of L2 (RedisStore).
 *
 * - Reads: L1 first (tier `memory`); else Redis (tier `redis`), fetching the entry and its PTTL in one
 *   round trip and copying it into L1 for no longer than Redis keeps it, so an L1 copy never outlives
 *   the Redis entry.
 * - Writes go to Redis, then to L1 with the same bytes and at most the same lifetime.
 * - Fail-open: when Redis is down, slow or its breaker is open, every call is answered from memory
 *   (within the breaker's short timeout, then immediately): nothing throws or hangs.
 * - Invalidation (delete, deleteMatching, clear) covers both tiers and every other instance's L1;
 *   counts are of distinct keys.
 *
 * Degraded mode uses a larger memory bound than L1 (`degradedMemorySize`, 1000 entries by default,
 * the memory driver's own default): an L1 sized for a hot set of ~100 would drop most writes made
 * during an outage, i.e. the cache would mostly stop caching exactly when Redis is not there to take
 * the load. The extra room lives in a separate "outage" MemoryStore that is only written while Redis
 * fails, and both memory tiers are cleared as soon as Redis answers again: what they hold may have
 * been invalidated by other instances meanwhile (we could not hear it), and outage writes never
 * reached Redis, so serving them afterwards could contradict what the other instances see.
 */
export class TieredStore implements CacheStore {
  readonly driver: CacheDriver = 'redis';
  readonly memoryCacheSize: number;
  readonly degradedMemorySize: number;

  private readonly redis: RedisStore;
  private readonly l1?: MemoryStore;
  /** Extra room for writes made while Redis is unreachable; absent when L1 alone is big enough. */
  private readonly outage?: MemoryStore;
  private readonly channel?: L1InvalidationChannel;
  private readonly logger?: StoreLogger;
  private readonly connectTimeoutMs: number;
  private readonly fillsInFlight = new Map<string, Set<PendingFill>>();
  private redisFailing = false;

  private readonly decode: TieredStoreOptions['decode'];

  constructor(options: TieredStoreOptions) {
    this.decode = options.decode;
    const { redis, memoryCacheSize } = options;
    if (!Number.isSafeInteger(memoryCacheSize) || memoryCacheSize < 0) {
      throw new RangeError(`TieredStore: memoryCacheSize must be an integer >= 0, got ${String(memoryCacheSize)}`);
    }
    this.redis = redis;
    this.memoryCacheSize = memoryCacheSize;
    this.degradedMemorySize = Math.max(memoryCacheSize, options.degradedMemorySize ?? DEFAULT_MAX_SIZE);
    this.logger = options.logger;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 2000;

    const outageSize = this.degradedMemorySize - memoryCacheSize;
    const memoryOptions = { onEvict: options.onEvict, decode: options.decode };
    if (memoryCacheSize > 0) this.l1 = new MemoryStore({ maxEntries: memoryCacheSize, ...memoryOptions });
    if (outageSize > 0) this.outage = new MemoryStore({ maxEntries: outageSize, ...memoryOptions });

    if (options.coherence !== false) {
      this.channel = new L1InvalidationChannel({
        namespace: redis.namespace,
        instanceId: options.instanceId,
        logger: options.logger,
        createSubscriber: () => redis.duplicateClient(),
        publish: (channel, message) => redis.publish(channel, message),
        onInvalidate: (invalidation) => this.applyInvalidation(invalidation),
        onResync: () => this.clearMemoryTiers(),
      });
    }
  }

  /** True while Redis calls are failing and memory answers alone. */
  get degraded(): boolean {
    return this.redisFailing;
  }

  breakerCounters(): CircuitBreakerCounters {
    return this.redis.breakerCounters();
  }

  invalidationCounters(): L1InvalidationCounters | undefined {
    return this.channel?.counters();
  }

  diagnostics(): StoreDiagnostics {
    const { consecutiveFailures: _current, ...breaker } = this.breakerCounters();
    return { breaker, invalidation: this.invalidationCounters(), degraded: this.degraded };
  }

  /** Connects Redis and the invalidation subscription, each bounded by its timeout; never rejects. */
  async connect(): Promise<void> {
    await Promise.all([this.redis.connect(), this.channel?.start(this.connectTimeoutMs)]);
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    if (!this.l1) return this.getFromRedisOnly(key);
    if (this.isL1Trusted()) {
      const hit = await this.l1.get(key);
      if (hit) return hit;
    }
    const fill = this.beginFill(key);
    const startedAt = performance.now();
    try {
      const remote = await this.redis.getWithTtl(key);
      this.onRedisAnswered();
      if (!remote) return undefined;
      // Decoded once, for L1 and for the caller (who copies the value: L1 shares this entry). Bytes
      // that do not decode go up as they are, for the service to count as corrupted and remove.
      const decoded = this.decode?.(remote.bytes);
      // A key without expiry is not one we wrote; L1 could not know when to drop it, so it is not copied.
      if (this.l1 && !fill.stale && remote.ttlMs !== undefined) {
        const ttlMs = remainingMs(remote.ttlMs, startedAt);
        if (decoded) this.l1.setDecoded(key, decoded, remote.bytes.length, ttlMs);
        else await this.l1.set(key, remote.bytes, ttlMs);
      }
      return decoded ? { decoded, tier: 'redis' } : { bytes: remote.bytes, tier: 'redis' };
    } catch (error) {
      this.onRedisFailed(error);
      return (await this.l1?.get(key)) ?? (await this.outage?.get(key));
    } finally {
      this.endFill(key, fill);
    }
  }

  /**
   * Without L1 nothing is copied into memory, so the TTL (and the MULTI/EXEC that fetches it with the
   * value) and the fill bookkeeping are not needed: one GET (measured: 4 commands per hit cost ~2x the
   * throughput at 64 in flight).
   */
  private getFromRedisOnly(key: string): Promise<StoredEntry | undefined> {
    // redisOr() spelled out as one promise chain: this is every L2 hit when L1 is off.
    return this.redis.get(key).then(
      (answer) => {
        this.onRedisAnswered();
        return answer;
      },
      (error: unknown) => {
        this.onRedisFailed(error);
        return this.outage?.get(key);
      },
    );
  }

  async set(key: string, bytes: Buffer, ttlMs: number, plain?: Buffer): Promise<void> {
    this.spoilFills((pending) => pending === key);
    const startedAt = performance.now();
    try {
      await Promise.all([this.redis.set(key, bytes, ttlMs), this.channel?.publish({ kind: 'keys', keys: [key] })]);
      this.onRedisAnswered();
      await this.l1?.set(key, bytes, remainingMs(ttlMs, startedAt), plain);
    } catch (error) {
      this.onRedisFailed(error);
      const target = this.outage ?? this.l1;
      // L1 must not keep answering with the value this write replaces.
      if (target !== this.l1) await this.l1?.delete(key);
      await target?.set(key, bytes, ttlMs, plain);
    }
  }

  async delete(key: string): Promise<boolean> {
    this.spoilFills((pending) => pending === key);
    let removed = this.deleteFromMemory([key]) > 0;
    try {
      const [removedFromRedis] = await Promise.all([
        this.redis.delete(key),
        this.channel?.publish({ kind: 'keys', keys: [key] }),
      ]);
      this.onRedisAnswered();
      removed ||= removedFromRedis;
    } catch (error) {
      this.onRedisFailed(error);
    }
    // Again after Redis answered: a read that was in flight may have copied the old value meanwhile.
    return this.deleteFromMemory([key]) > 0 || removed;
  }

  async exists(key: string): Promise<boolean> {
    if (this.l1 && this.isL1Trusted() && (await this.l1.exists(key))) return true;
    return this.redisOr(
      () => this.redis.exists(key),
      async () => (await this.l1?.exists(key)) || (await this.outage?.exists(key)) || false,
    );
  }

  /** Redis is the authority on what is left; memory answers only while Redis cannot. */
  ttl(key: string): Promise<number | undefined> {
    return this.redisOr(
      () => this.redis.ttl(key),
      async () => (await this.l1?.ttl(key)) ?? (await this.outage?.ttl(key)),
    );
  }

  async deleteMatching(pattern: string): Promise<number> {
    return this.invalidate(pattern, { kind: 'patterns', patterns: [pattern] });
  }

  async clear(): Promise<number> {
    return this.invalidate('*', { kind: 'all' });
  }

  async stats(): Promise<StoreStats> {
    const [remote, l1, outage] = await Promise.all([this.redis.stats(), this.l1?.stats(), this.outage?.stats()]);
    return {
      redis: remote.redis,
      memory: {
        entries: (l1?.memory.entries ?? 0) + (outage?.memory.entries ?? 0),
        // The bound in force: L1's, or the larger degraded bound while outage entries are kept.
        maxEntries: (outage?.memory.entries ?? 0) > 0 || this.redisFailing ? this.degradedMemorySize : this.memoryCacheSize,
        bytes: (l1?.memory.bytes ?? 0) + (outage?.memory.bytes ?? 0),
      },
    };
  }

  async health(): Promise<StoreHealth> {
    return this.redis.health();
  }

  /** Closes the subscriber, Redis (only what it created) and the memory tiers' timers. */
  async close(): Promise<void> {
    await this.channel?.close();
    await this.redis.close();
    await Promise.all([this.l1?.close(), this.outage?.close()]);
  }

  /**
   * Both tiers, counting distinct keys: a key found in memory and in Redis counts once. The memory
   * keys are listed first (a few hundred at most) and ticked off as the Redis SCAN meets them, so no
   * list of every Redis key is ever held.
   */
  private async invalidate(pattern: string, message: L1Invalidation): Promise<number> {
    const matches = compileGlob(pattern);
    this.spoilFills(matches);
    const inMemory = new Set([...this.memoryKeys()].filter(matches));
    const alsoInRedis = new Set<string>();
    let removedFromRedis = 0;
    try {
      const [removed] = await Promise.all([
        this.redis.deleteMatching(pattern, (scanned) => {
          for (const key of scanned) if (inMemory.has(key)) alsoInRedis.add(key);
        }),
        this.channel?.publish(message),
      ]);
      removedFromRedis = removed;
      this.onRedisAnswered();
    } catch (error) {
      this.onRedisFailed(error);
    }
    let removedOnlyFromMemory = 0;
    for (const key of inMemory) {
      if (this.deleteFromMemory([key]) > 0 && !alsoInRedis.has(key)) removedOnlyFromMemory++;
    }
    // Entries copied into memory while the SCAN ran are stale too (uncounted: Redis counted them).
    this.deleteFromMemory([...this.memoryKeys()].filter(matches));
    return removedFromRedis + removedOnlyFromMemory;
  }

  private applyInvalidation(invalidation: L1Invalidation): void {
    if (invalidation.kind === 'all') {
      this.clearMemoryTiers();
    } else if (invalidation.kind === 'keys') {
      const keys = new Set(invalidation.keys);
      this.spoilFills((key) => keys.has(key));
      this.deleteFromMemory(keys);
    } else {
      for (const pattern of invalidation.patterns) {
        const matches = compileGlob(pattern);
        this.spoilFills(matches);
        this.deleteFromMemory([...this.memoryKeys()].filter(matches));
      }
    }
  }

  /** L1 is only as good as the invalidations it hears: without a live subscription, Redis decides. */
  private isL1Trusted(): boolean {
    return this.channel === undefined || this.channel.isLive;
  }

  /** Redis's answer, noting that it answered; or, when it cannot, what memory says. */
  private async redisOr<R>(ask: () => Promise<R>, fromMemory: () => Promise<R>): Promise<R> {
    try {
      const answer = await ask();
      this.onRedisAnswered();
      return answer;
    } catch (error) {
      this.onRedisFailed(error);
      return fromMemory();
    }
  }

  private onRedisAnswered(): void {
    if (!this.redisFailing) return;
    this.redisFailing = false;
    this.clearMemoryTiers();
    // Debug only: the circuit breaker logs the outage and the recovery once each.
    this.logger?.debug?.('Redis answering again: memory tiers cleared (they may hold entries invalidated meanwhile)');
  }

  private onRedisFailed(error: unknown): void {
    if (this.redisFailing) return;
    this.redisFailing = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger?.debug?.(`Redis call failed (${reason}): serving from memory until Redis answers again`);
  }

  private clearMemoryTiers(): void {
    this.spoilFills(() => true);
    this.deleteFromMemory([...this.memoryKeys()]);
  }

  private *memoryKeys(): Iterable<string> {
    if (this.l1) yield* this.l1.keys();
    if (this.outage) yield* this.outage.keys();
  }

  /** Removes the keys from both memory tiers; returns how many distinct keys were there. */
  private deleteFromMemory(keys: Iterable<string>): number {
    let removed = 0;
    for (const key of keys) {
      const fromL1 = this.l1?.deleteMany([key]) ?? 0;
      const fromOutage = this.outage?.deleteMany([key]) ?? 0;
      if (fromL1 + fromOutage > 0) removed++;
    }
    return removed;
  }

  private beginFill(key: string): PendingFill {
    const fill: PendingFill = { stale: false };
    let pending = this.fillsInFlight.get(key);
    if (!pending) this.fillsInFlight.set(key, (pending = new Set()));
    pending.add(fill);
    return fill;
  }

  private endFill(key: string, fill: PendingFill): void {
    const pending = this.fillsInFlight.get(key);
    pending?.delete(fill);
    if (pending?.size === 0) this.fillsInFlight.delete(key);
  }

  /**
   * Marks reads in flight for matching keys so that they do not copy what they read into L1: the
   * answer may predate the write or invalidation happening now, and would otherwise sit in L1
   * after the eviction that was meant to remove it.
   */
  private spoilFills(matches: (key: string) => boolean): void {
    for (const [key, pending] of this.fillsInFlight) {
      if (matches(key)) for (const fill of pending) fill.stale = true;
    }
  }
}

/** What is left of a lifetime that started counting at `startedAt` (ours), minus the clock margin. */
function remainingMs(ttlMs: number, startedAt: number): number {
  if (ttlMs === Number.POSITIVE_INFINITY) return ttlMs;
  return ttlMs - (performance.now() - startedAt) - CLOCK_MARGIN_MS;
}
