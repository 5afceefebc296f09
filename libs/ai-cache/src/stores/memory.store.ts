import { LRUCache } from 'lru-cache';
import { entryWith } from '../codec/cache-entry';
import { copyAsStored } from '../codec/json-tree-copy';
import type { CacheEntry } from '../interfaces/cache-entry.interface';
import type { CacheDriver } from '../interfaces/cache-stats.interface';
import { compileGlob } from '../utils/glob';
import type { CacheStore, CacheTier, StoreHealth, StoreRead, StoreStats } from './cache-store.interface';

/** Why an entry left without being deleted or overwritten. */
export type MemoryEvictionReason = 'lru' | 'expired' | 'bytes';

export interface MemoryStoreOptions {
  /** Most entries kept (positive integer); the least recently read or written goes first. */
  maxEntries: number;
  /** Most bytes kept, each entry counting its UTF-8 key length + `entry.size`. No byte bound when omitted. */
  maxBytes?: number;
  /** Largest single entry kept (`entry.size`); a larger one is not held (the previous value is removed). */
  maxEntryBytes?: number;
  /**
   * Milliseconds a copy may be served after it was stored here, whatever its own expiry: the L1
   * tier's `memoryCacheMaxAge`, so that a copy nobody told us about is never served for long.
   */
  maxAgeMs?: number;
  /** Reported by `get()`. Default `'memory'`. */
  tier?: CacheTier;
  /** Default `'memory'`. */
  driver?: CacheDriver;
  /** Wall clock in epoch milliseconds (entries expire at absolute times). Default `Date.now`; tests inject their own. */
  now?: () => number;
  /** Milliseconds between sweeps of expired entries nobody reads; `0` turns the sweep off. Default 60 000. */
  purgeIntervalMs?: number;
  /** Called once the entry is gone and the store is consistent again, so it may call back into the store. */
  onEvict?: (key: string, reason: MemoryEvictionReason) => void;
}

export const DEFAULT_PURGE_INTERVAL_MS = 60_000;

/**
 * Bounded LRU of decoded entries: the memory driver, the L1 tier in front of Redis, and the outage
 * tier. Entries are kept as the service made them (values copied once, on the way in): a hit costs
 * no parse and no promise of its own (`get` answers synchronously), and the reader copies the value
 * before exposing it. Each entry is held with its read result (`{ entry, tier }`), made once when it
 * is stored, so a hit allocates nothing.
 *
 * Expired entries never answer and are dropped as soon as any method touches them; those nobody
 * touches are bounded like any entry, and a periodic `purgeExpired()` sweep returns their memory
 * early. We do not use lru-cache's `ttlAutopurge`: it arms one timer per entry and re-arms it on
 * every write (heap per entry and write time grow with it: bench/PERFORMANCE.md, "Figures behind the
 * code"); one unref'd interval costs a single O(n) pass instead.
 */
export class MemoryStore implements CacheStore {
  readonly driver: CacheDriver;
  readonly tier: CacheTier;
  readonly maxEntries: number;
  readonly maxBytes: number | undefined;

  private readonly cache: LRUCache<string, StoreRead>;
  private readonly clock: () => number;
  private readonly maxEntryBytes: number;
  private readonly maxAgeMs: number;
  private readonly onEvict: MemoryStoreOptions['onEvict'];
  private purgeTimer: NodeJS.Timeout | undefined;
  /** A write of a new key into a full store evicts exactly one entry for count before any for bytes. */
  private countEvictionsDue = 0;
  /** Reasons decided in `dispose` (the entry is still readable there) and reported from `disposeAfter`. */
  private readonly pendingReasons = new Map<string, MemoryEvictionReason>();

  constructor(options: MemoryStoreOptions) {
    const { maxEntries, maxBytes, purgeIntervalMs = DEFAULT_PURGE_INTERVAL_MS } = options;
    positiveInteger(maxEntries, 'maxEntries');
    if (maxBytes !== undefined) positiveInteger(maxBytes, 'maxBytes');
    if (options.maxEntryBytes !== undefined) positiveInteger(options.maxEntryBytes, 'maxEntryBytes');
    if (options.maxAgeMs !== undefined && !(options.maxAgeMs > 0)) {
      throw new RangeError(`MemoryStore: maxAgeMs must be > 0, got ${String(options.maxAgeMs)}`);
    }
    if (!Number.isFinite(purgeIntervalMs) || purgeIntervalMs < 0) {
      throw new RangeError(`MemoryStore: purgeIntervalMs must be >= 0, got ${String(purgeIntervalMs)}`);
    }
    this.driver = options.driver ?? 'memory';
    this.tier = options.tier ?? 'memory';
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.maxEntryBytes = options.maxEntryBytes ?? Number.MAX_SAFE_INTEGER;
    this.maxAgeMs = options.maxAgeMs ?? Number.POSITIVE_INFINITY;
    this.onEvict = options.onEvict;
    const clock = (this.clock = options.now ?? Date.now);
    this.cache = new LRUCache<string, StoreRead>({
      max: maxEntries,
      // Without maxBytes, the byte count is still tracked for stats(); the bound is just unreachable.
      maxSize: maxBytes ?? Number.MAX_SAFE_INTEGER,
      // 0: read the clock at every check. The default (1) caches it behind a setTimeout per reading,
      // which both arms timers and hides an injected clock's jumps; a clock read is cheap.
      ttlResolution: 0,
      // lru-cache reads a start time of 0 as "no TTL": an epoch clock never reads 0, a test clock might.
      perf: { now: () => clock() + 1 },
      dispose: (_read, key, reason) => this.classifyRemoval(key, reason),
      disposeAfter: (_read, key, reason) => this.reportRemoval(key, reason),
    });

    if (purgeIntervalMs > 0) {
      this.purgeTimer = setInterval(() => this.purgeExpired(), purgeIntervalMs);
      // A cache must never keep the process alive; close() clears it for a clean shutdown.
      this.purgeTimer.unref();
    }
  }

  /** Refreshes the entry's recency (true LRU); never its lifetime. Synchronous: see the class doc. */
  get(key: string): StoreRead | undefined {
    return this.cache.get(key);
  }

  async set(key: string, entry: CacheEntry, json: string): Promise<void> {
    this.keep(key, entry, json);
  }

  /**
   * Keeps a copy of `entry.value` (equal to what a JSON round trip of it gives, `json` being the
   * entry's envelope JSON) until `entry.staleUntil`: the caller may change its own object afterwards.
   */
  keep(key: string, entry: CacheEntry, json: string): void {
    this.hold(key, entryWith(entry, copyAsStored(entry.value, json)));
  }

  /**
   * Keeps `entry` itself, already private to the store (an entry decoded from Redis, or one another
   * memory tier holds too: entries are immutable). An entry past its lifetime, or larger than
   * `maxEntryBytes` or `maxBytes` alone, is not kept, and the previous value is removed (it is outdated).
   */
  hold(key: string, entry: CacheEntry): void {
    const lifetimeMs = Math.min(entry.staleUntil - this.clock(), this.maxAgeMs);
    const size = entrySize(key, entry.size);
    if (!(lifetimeMs > 0) || entry.size > this.maxEntryBytes || size > (this.maxBytes ?? Number.MAX_SAFE_INTEGER)) {
      this.cache.delete(key);
      return;
    }
    const isNewKey = this.cache.peek(key, { allowStale: true }) === undefined;
    this.countEvictionsDue = isNewKey && this.cache.size >= this.maxEntries ? 1 : 0;
    try {
      this.cache.set(key, { entry, tier: this.tier }, { ttl: Number.isFinite(lifetimeMs) ? lifetimeMs : 0, size });
    } finally {
      this.countEvictionsDue = 0;
    }
  }

  async delete(key: string): Promise<boolean> {
    return this.deleteLive(key);
  }

  /** Does not refresh recency (like Redis EXISTS). */
  async exists(key: string): Promise<boolean> {
    return this.peekLive(key) !== undefined;
  }

  /** Milliseconds until the entry stops being fresh (`expiresAt`), rounded up, never below 0. Does not refresh recency. */
  async ttl(key: string): Promise<number | undefined> {
    const live = this.peekLive(key);
    return live && Math.max(0, Math.ceil(live.entry.expiresAt - this.clock()));
  }

  async deleteMatching(pattern: string): Promise<number> {
    // compileGlob (globToRegExp over the key's UTF-8 bytes) so non-ASCII keys match as SCAN MATCH would.
    const matches = compileGlob(pattern);
    return this.deleteMany([...this.keys()].filter(matches));
  }

  async clear(): Promise<number> {
    this.purgeExpired();
    const removed = this.cache.size;
    this.cache.clear();
    return removed;
  }

  async stats(): Promise<StoreStats> {
    return { redis: { status: 'disabled' }, memory: this.memoryStats() };
  }

  /** Entries and bytes held now (expired entries nobody read are swept first, so they do not count). */
  memoryStats(): StoreStats['memory'] {
    this.purgeExpired();
    return { entries: this.cache.size, maxEntries: this.maxEntries, bytes: this.cache.calculatedSize };
  }

  async health(): Promise<StoreHealth> {
    return { connected: false, status: 'disabled' };
  }

  /** Stops the sweep timer. The entries stay readable; calling it twice is harmless. */
  async close(): Promise<void> {
    if (this.purgeTimer !== undefined) {
      clearInterval(this.purgeTimer);
      this.purgeTimer = undefined;
    }
  }

  /** Removes the live entries among `keys`; returns how many (an expired or missing key counts 0). */
  deleteMany(keys: Iterable<string>): number {
    let removed = 0;
    for (const key of keys) {
      if (this.deleteLive(key)) removed++;
    }
    return removed;
  }

  /** A snapshot of the live keys, most recently used first: the store may change while it is iterated. */
  keys(): IterableIterator<string> {
    return [...this.cache.keys()].values();
  }

  /** Drops every expired entry now (O(n)); returns how many. The periodic sweep calls this. */
  purgeExpired(): number {
    const before = this.cache.size;
    this.cache.purgeStale();
    return before - this.cache.size;
  }

  /** The live entry without touching recency; an expired one is dropped on the spot (reported as 'expired'). */
  private peekLive(key: string): StoreRead | undefined {
    if (this.cache.has(key)) return this.cache.peek(key);
    // has() is false for a missing or an expired key; get() removes an expired one and ignores a missing one.
    this.cache.get(key);
    return undefined;
  }

  private deleteLive(key: string): boolean {
    return this.peekLive(key) !== undefined && this.cache.delete(key);
  }

  private classifyRemoval(key: string, reason: LRUCache.DisposeReason): void {
    if (reason === 'expire') {
      this.pendingReasons.set(key, 'expired');
    } else if (reason === 'evict') {
      // An entry pushed out after its lifetime ran out left because it expired, not for lack of room.
      const expired = this.cache.getRemainingTTL(key) < 0;
      const forCount = this.countEvictionsDue > 0;
      if (forCount) this.countEvictionsDue--;
      this.pendingReasons.set(key, expired ? 'expired' : forCount ? 'lru' : 'bytes');
    }
    // 'set' and 'delete' are the caller's own overwrite, delete or clear: not evictions.
  }

  private reportRemoval(key: string, cause: LRUCache.DisposeReason): void {
    if (cause !== 'evict' && cause !== 'expire') return;
    const reason = this.pendingReasons.get(key);
    if (reason === undefined) return;
    this.pendingReasons.delete(key);
    if (this.onEvict === undefined) return;
    try {
      this.onEvict(key, reason);
    } catch (error) {
      // A failing listener must neither fail the cache operation that evicted nor crash the sweep timer.
      process.emitWarning(`MemoryStore onEvict listener threw: ${String(error)}`, 'AICacheWarning');
    }
  }
}

/** lru-cache rejects a size of 0; an empty key with an empty value is counted as 1 byte. */
function entrySize(key: string, valueBytes: number): number {
  return Math.max(1, Buffer.byteLength(key, 'utf8') + valueBytes);
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`MemoryStore: ${name} must be a positive integer, got ${String(value)}`);
  }
}
