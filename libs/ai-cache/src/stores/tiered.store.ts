import type { FleetCoordination } from '../fleet/fleet-coordination.interface';
import type { CacheEntry } from '../interfaces/cache-entry.interface';
import type { CacheDriver } from '../interfaces/cache-stats.interface';
import { compileGlob } from '../utils/glob';
import type { CacheStore, ReadOrLease, StoreDiagnostics, StoreHealth, StoreRead, StoreStats } from './cache-store.interface';
import type { StoreLogger } from './circuit-breaker';
import { ChangeFeed } from './coherence/change-feed';
import { MemoryTiers } from './memory-tiers';
import { MemoryStore } from './memory.store';
import { PendingFills } from './pending-fills';
import type { RedisStore } from './redis.store';

export interface TieredStoreOptions {
  /** The L2 tier. The tiered store closes it on close() (the RedisStore itself never closes a user's client). */
  redis: RedisStore;
  /** The L1 memory tier in front of Redis (its bounds and `maxAgeMs`), or none. */
  l1?: MemoryStore;
  /** Extra room for writes made while Redis is unreachable, or none. */
  outage?: MemoryStore;
  /** Milliseconds connect() waits for Redis and for the coherence path. */
  connectTimeoutMs: number;
  /** Coherence health pings (defaults: every 1000 ms, 1000 ms deadline). */
  coherence?: { pingIntervalMs?: number; pingTimeoutMs?: number };
  logger?: StoreLogger;
}

/**
 * `driver: 'redis'`: L1 (a small MemoryStore of decoded entries) in front of L2 (RedisStore).
 *
 * - Reads: L1 first, synchronously (tier `memory`); else one Redis read (tier `redis`), whose entry
 *   is kept in L1 until its own expiry (read from its header) or L1's max age, whichever comes first.
 * - Writes: Redis first, then L1 holds the entry as Redis stores it (`compressed` included).
 * - Coherence: Redis reports every change to our keys made by anyone else (TrackingCoherence), and L1
 *   drops them; while that path is down L1 copies still live at most `memoryCacheMaxAge`, and L1 is
 *   cleared once when it comes back (changes may have been missed meanwhile).
 * - Fail-open: when Redis is down, slow or its breaker is open, every call is answered from memory
 *   (after one short timeout at most, then immediately), and writes land in memory at once while
 *   Redis gets them in the background. The outage tier gives writes made then more room than L1.
 * - Invalidation (delete, deleteMatching, clear) covers both tiers; counts are of distinct keys.
 */
export class TieredStore implements CacheStore {
  readonly driver: CacheDriver = 'redis';

  private readonly redis: RedisStore;
  private readonly l1?: MemoryStore;
  private readonly outage?: MemoryStore;
  private readonly memory: MemoryTiers;
  /** Redis's reports of changes: for L1 (started at connect), and for fleet waiters (started on first need). */
  private readonly changes: ChangeFeed;
  private readonly fills = new PendingFills();
  private readonly connectTimeoutMs: number;
  private readonly logger?: StoreLogger;
  private redisFailing = false;

  constructor(options: TieredStoreOptions) {
    this.redis = options.redis;
    this.l1 = options.l1;
    this.outage = options.outage;
    this.memory = new MemoryTiers(options.l1, options.outage);
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.logger = options.logger;
    this.changes = new ChangeFeed({
      redis: this.redis,
      onKeys: (keys) => this.forget(keys),
      onResync: () => this.clearMemory(),
      pingIntervalMs: options.coherence?.pingIntervalMs ?? 1000,
      pingTimeoutMs: options.coherence?.pingTimeoutMs ?? 1000,
      logger: options.logger,
    });
  }

  /** True while Redis calls are failing and memory answers alone. */
  get degraded(): boolean {
    return this.redisFailing;
  }

  diagnostics(): StoreDiagnostics {
    const { consecutiveFailures: _current, ...breaker } = this.redis.breakerCounters();
    const coherence = this.changes.counters();
    return { breaker, coherence, degraded: this.redisFailing || (this.l1 !== undefined && coherence !== undefined && !coherence.live) };
  }

  /**
   * Connects Redis and, with L1, the coherence path, each bounded by the connect timeout; never
   * rejects. Without L1 nothing could go stale in memory while Redis answers: no coherence
   * connection is opened (unless fleet waiters need the change feed later).
   */
  async connect(): Promise<void> {
    await Promise.all([this.redis.connect(), this.l1 ? this.changes.start(this.connectTimeoutMs) : undefined]);
  }

  /** Leases, failure markers and the change feed for fleet-wide single flight, over this store's Redis. */
  fleet(): FleetCoordination {
    return this.changes.fleet(this.connectTimeoutMs, {
      readOrLease: (key, token, leaseMs) => this.getOrLease(key, token, leaseMs),
      healthy: () => !this.redisFailing,
    });
  }

  get(key: string): StoreRead | undefined | Promise<StoreRead | undefined> {
    const hit = this.l1?.get(key);
    return hit ?? this.readThrough(key, () => this.redis.get(key));
  }

  /**
   * `get`, and when there is no entry, the fleet's lease for it (taken with `token` for `leaseMs`) in
   * the same round trip, so a getOrCompute miss knows at once whether it computes for the fleet.
   */
  getOrLease(key: string, token: string, leaseMs: number): Promise<ReadOrLease> {
    const hit = this.l1?.get(key);
    if (hit) return Promise.resolve({ read: hit, leased: false });
    let answered: ReadOrLease = { leased: false };
    const fetch = () => this.redis.getOrLease(key, token, leaseMs).then((answer) => (answered = answer).read);
    return this.readThrough(key, fetch).then((read) => ({ read, leased: answered.leased, scriptsRefused: answered.scriptsRefused }));
  }

  async set(key: string, entry: CacheEntry, json: string): Promise<void> {
    this.fills.spoil(key);
    const { bytes, stored } = this.redis.encode(key, entry, json);
    if (this.redisFailing) {
      // Redis was failing a moment ago: answer from memory now, and let Redis catch up in the background.
      this.keepInMemory(key, stored, json);
      this.redis.write(key, bytes, stored.staleUntil).then(() => this.answered(), (error: unknown) => this.failed(error));
      return;
    }
    try {
      await this.redis.write(key, bytes, stored.staleUntil);
      this.answered();
      this.l1?.keep(key, stored, json);
    } catch (error) {
      this.failed(error);
      this.keepInMemory(key, stored, json);
    }
  }

  async delete(key: string): Promise<boolean> {
    this.fills.spoil(key);
    let removed = this.memory.delete([key]) > 0;
    try {
      removed = (await this.redis.delete(key)) || removed;
      this.answered();
    } catch (error) {
      this.failed(error);
    }
    // Again after Redis answered: a read that was in flight may have copied the old value meanwhile.
    return this.memory.delete([key]) > 0 || removed;
  }

  async exists(key: string): Promise<boolean> {
    if (this.l1?.get(key)) return true;
    return this.redisOr(() => this.redis.exists(key), async () => (await this.outage?.exists(key)) ?? false);
  }

  /** Redis is the authority on what is left; memory answers only while Redis cannot. */
  ttl(key: string): Promise<number | undefined> {
    return this.redisOr(
      () => this.redis.ttl(key),
      async () => (await this.l1?.ttl(key)) ?? (await this.outage?.ttl(key)),
    );
  }

  deleteMatching(pattern: string): Promise<number> {
    return this.invalidate(pattern);
  }

  clear(): Promise<number> {
    return this.invalidate('*');
  }

  async stats(): Promise<StoreStats> {
    const remote = await this.redis.stats();
    return { redis: remote.redis, memory: this.memory.stats(this.redisFailing) };
  }

  /** Redis's PING, and degraded while L1 cannot hear every change (its copies then live at most memoryCacheMaxAge). */
  async health(): Promise<StoreHealth> {
    const health = await this.redis.health();
    if (health.connected) this.answered();
    if (!health.connected || !this.l1 || this.changes.live) return health;
    const unavailable = this.changes.counters()?.unavailable;
    return { ...health, status: 'degraded', reason: unavailable ? `L1 coherence unavailable: ${unavailable}` : 'L1 coherence path down' };
  }

  /** Closes the coherence connections, Redis (only what it created) and the memory tiers' timers. */
  async close(): Promise<void> {
    await this.changes.close();
    await this.redis.close();
    await Promise.all([this.l1?.close(), this.outage?.close()]);
  }

  /** One Redis read (`fetch`) whose entry fills L1 unless the key changed meanwhile; memory answers while Redis fails. */
  private readThrough(key: string, fetch: () => Promise<StoreRead | undefined>): Promise<StoreRead | undefined> {
    const l1 = this.l1;
    if (!l1) {
      // One promise chain, no fill bookkeeping: this is every L2 hit when L1 is off.
      return fetch().then(
        (read) => {
          this.answered();
          return read;
        },
        (error: unknown) => {
          this.failed(error);
          return this.outage?.get(key);
        },
      );
    }
    const fill = this.fills.begin(key);
    return fetch().then(
      (read) => {
        this.fills.end(key, fill);
        this.answered();
        if (read && !fill.stale) l1.hold(key, read.entry);
        return read;
      },
      (error: unknown) => {
        this.fills.end(key, fill);
        this.failed(error);
        return this.outage?.get(key);
      },
    );
  }

  /** While Redis fails: the outage tier (or L1 when there is none) keeps the write; L1 must not keep the value it replaces. */
  private keepInMemory(key: string, entry: CacheEntry, json: string): void {
    const target = this.outage ?? this.l1;
    if (target !== this.l1) void this.l1?.delete(key);
    target?.keep(key, entry, json);
  }

  /**
   * Both tiers, counting distinct keys: a key found in memory and in Redis counts once. The memory
   * keys are listed first (bounded by the tiers' sizes) and ticked off as the Redis SCAN meets them,
   * so no list of every Redis key is ever held.
   */
  private async invalidate(pattern: string): Promise<number> {
    const matches = compileGlob(pattern);
    this.fills.spoilMatching(matches);
    const inMemory = new Set([...this.memory.keys()].filter(matches));
    const alsoInRedis = new Set<string>();
    let removedFromRedis = 0;
    try {
      removedFromRedis = await this.redis.deleteMatching(pattern, (scanned) => {
        for (const key of scanned) if (inMemory.has(key)) alsoInRedis.add(key);
      });
      this.answered();
    } catch (error) {
      this.failed(error);
    }
    let removedOnlyFromMemory = 0;
    for (const key of inMemory) {
      if (this.memory.delete([key]) > 0 && !alsoInRedis.has(key)) removedOnlyFromMemory++;
    }
    // Entries copied into memory while the SCAN ran are stale too (uncounted: Redis counted them).
    this.memory.delete([...this.memory.keys()].filter(matches));
    return removedFromRedis + removedOnlyFromMemory;
  }

  /** Someone else changed these keys in Redis. */
  private forget(keys: string[]): void {
    for (const key of keys) this.fills.spoil(key);
    this.memory.delete(keys);
  }

  /** Redis's answer, noting that it answered; or, when it cannot, what memory says. */
  private async redisOr<R>(ask: () => Promise<R>, fromMemory: () => Promise<R>): Promise<R> {
    try {
      const answer = await ask();
      this.answered();
      return answer;
    } catch (error) {
      this.failed(error);
      return fromMemory();
    }
  }

  private answered(): void {
    if (!this.redisFailing) return;
    this.redisFailing = false;
    // Writes made during the outage never reached Redis: serving them now could contradict what the
    // other instances see. L1 is resynced when the coherence path is back (one clear, not two).
    void this.outage?.clear();
    this.logger?.debug?.('Redis answering again: outage entries dropped');
  }

  private failed(error: unknown): void {
    if (this.redisFailing) return;
    this.redisFailing = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger?.debug?.(`Redis call failed (${reason}): serving from memory until Redis answers again`);
  }

  private clearMemory(): void {
    this.fills.spoilMatching(() => true);
    void this.l1?.clear();
    void this.outage?.clear();
  }
}
