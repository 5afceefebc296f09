import { LRUCache } from 'lru-cache';
import type { CacheDriver } from '../interfaces/cache-stats.interface';
import { compileGlob } from '../utils/glob';
import type { DecodedEntry } from '../codec/cache-entry.codec';
import type { CacheStore, CacheTier, StoreHealth, StoreStats, StoredEntry } from './cache-store.interface';

/** Why an entry left without being deleted or overwritten. */
export type MemoryEvictionReason = 'lru' | 'expired' | 'bytes';

export interface MemoryStoreOptions {
  /** Most entries kept (positive integer); the least recently read or written goes first. */
  maxEntries: number;
  /** Most bytes kept (positive integer), each entry counting UTF-8 key length + value length. No byte bound when omitted. */
  maxBytes?: number;
  /** Reported by `get()`. Default `'memory'`. */
  tier?: CacheTier;
  /** Default `'memory'`. */
  driver?: CacheDriver;
  /** Monotonic clock in milliseconds. Default `performance.now()`; tests inject their own. */
  now?: () => number;
  /** Milliseconds between sweeps of expired entries nobody reads; `0` turns the sweep off. Default 60 000. */
  purgeIntervalMs?: number;
  /** Called once the entry is gone and the store is consistent again, so it may call back into the store. */
  onEvict?: (key: string, reason: MemoryEvictionReason) => void;
  /**
   * The codec's `decode`. When given, entries are kept decoded (see the class doc) and bytes it
   * cannot decode are kept as bytes, for the reader to judge. Without it the store keeps bytes.
   */
  decode?: (bytes: Buffer) => DecodedEntry<unknown> | undefined;
}

/** What one entry holds: its bytes, or its decoded form (never both: that would double the memory). */
type Held = Buffer | DecodedEntry<unknown>;

export const DEFAULT_PURGE_INTERVAL_MS = 60_000;

/**
 * Bounded LRU of encoded bytes with a TTL per entry: the memory driver, and the L1 tier in front of Redis.
 *
 * Expired entries never answer and are dropped as soon as any method touches them. Those nobody touches
 * are bounded by `maxEntries`/`maxBytes` like any entry, and a periodic `purgeExpired()` sweep returns
 * their memory early. We do not use lru-cache's `ttlAutopurge`: it arms one timer per entry and re-arms
 * it on every write (measured: +~300 bytes of heap per entry and 2.5x slower writes); one unref'd
 * interval costs a single O(n) pass instead (~50 µs for 1 000 entries, ~19 ms for 100 000).
 *
 * With the codec's `decode` (as the library wires it), an entry is kept decoded: parsed once when
 * stored, not on every hit. A hit then returns the shared entry and the reader copies its value
 * (`cloneJson`, ~0.17 µs on a 2 KB response, where parsing it again costs ~2.7 µs: measured). Only
 * the parsed tree is kept, not the bytes too, so an entry takes about what the value itself takes
 * (`npm run bench`, bytes per entry). Sizes (`maxBytes`, stats) still count the encoded bytes.
 *
 * Without `decode`, bytes are kept: copied on the way in, so no caller can change what is cached
 * through a Buffer it gave `set()`, into their own memory (not a slice of Node's shared 8 KB pool, so
 * a small entry never pins a whole pool slab). On the way out they are NOT copied (see `get()`).
 */
export class MemoryStore implements CacheStore {
  readonly driver: CacheDriver;
  readonly tier: CacheTier;
  readonly maxEntries: number;
  readonly maxBytes: number | undefined;

  private readonly cache: LRUCache<string, Held>;
  private readonly decode: MemoryStoreOptions['decode'];
  private readonly onEvict: MemoryStoreOptions['onEvict'];
  private purgeTimer: NodeJS.Timeout | undefined;
  /** A write of a new key into a full store evicts exactly one entry for count before any for bytes. */
  private countEvictionsDue = 0;
  /** Reasons decided in `dispose` (the entry is still readable there) and reported from `disposeAfter`. */
  private readonly pendingReasons = new Map<string, MemoryEvictionReason>();

  constructor(options: MemoryStoreOptions) {
    const { maxEntries, maxBytes, purgeIntervalMs = DEFAULT_PURGE_INTERVAL_MS } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries <= 0) {
      throw new RangeError(`MemoryStore: maxEntries must be a positive integer, got ${String(maxEntries)}`);
    }
    if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)) {
      throw new RangeError(`MemoryStore: maxBytes must be a positive integer, got ${String(maxBytes)}`);
    }
    if (!Number.isFinite(purgeIntervalMs) || purgeIntervalMs < 0) {
      throw new RangeError(`MemoryStore: purgeIntervalMs must be >= 0, got ${String(purgeIntervalMs)}`);
    }
    this.driver = options.driver ?? 'memory';
    this.tier = options.tier ?? 'memory';
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.onEvict = options.onEvict;
    this.decode = options.decode;

    const clock = options.now ?? (() => performance.now());
    // lru-cache reads a start time of 0 as "no TTL", so readings are shifted to begin at 1.
    const origin = clock();
    this.cache = new LRUCache<string, Held>({
      max: maxEntries,
      // Without maxBytes, the byte count is still tracked for stats(); the bound is just unreachable.
      // Every set() gives the entry's size (see entrySize): a decoded entry has no bytes to measure.
      maxSize: maxBytes ?? Number.MAX_SAFE_INTEGER,
      // 0: read the clock at every check. The default (1) caches it behind a setTimeout per reading,
      // which both arms timers and hides an injected clock's jumps; a clock read costs ~60 ns.
      ttlResolution: 0,
      perf: { now: () => clock() - origin + 1 },
      dispose: (_bytes, key, reason) => this.classifyRemoval(key, reason),
      disposeAfter: (_bytes, key, reason) => this.reportRemoval(key, reason),
    });

    if (purgeIntervalMs > 0) {
      this.purgeTimer = setInterval(() => this.purgeExpired(), purgeIntervalMs);
      // A cache must never keep the process alive; close() clears it for a clean shutdown.
      this.purgeTimer.unref();
    }
  }

  /**
   * Refreshes the entry's recency (true LRU); never its TTL.
   *
   * What is returned IS the cached entry, not a copy: treat `bytes` and `decoded` as read-only.
   * Copying per hit would cost more than the rest of a hit, and nothing in the library writes into
   * them: the service copies a decoded value (or decodes bytes into a fresh one) before any caller
   * sees it, and the tiered store only passes entries on.
   */
  async get(key: string): Promise<StoredEntry | undefined> {
    const held = this.cache.get(key);
    if (held === undefined) return undefined;
    return held instanceof Uint8Array ? { bytes: held, tier: this.tier } : { decoded: held, tier: this.tier };
  }

  /**
   * `ttlMs` > 0 sets the entry's lifetime and `Infinity` keeps it until evicted; 0, negative or NaN
   * means "already expired": any previous value is removed and nothing is stored. An entry larger
   * than `maxBytes` on its own is not stored either (the previous value is removed: it is outdated).
   */
  async set(key: string, bytes: Buffer, ttlMs: number, plain?: Buffer): Promise<void> {
    // `plain` (the uncompressed envelope, when the service has it) decodes without an inflate.
    const source = plain ?? bytes;
    const decoded = this.decode?.(source);
    this.hold(key, decoded ? asMemoryEntry(decoded) : ownCopy(source), entrySize(key, source.length), ttlMs);
  }

  /**
   * Stores an entry someone already decoded (the tiered store, filling L1 from a Redis read), under
   * the same rules as `set()`; `encodedBytes` is its size for `maxBytes` and stats. The entry is kept
   * as given, apart from `compressed` (false: memory holds no compressed entry): do not change it later.
   */
  setDecoded(key: string, decoded: DecodedEntry<unknown>, encodedBytes: number, ttlMs: number): void {
    this.hold(key, asMemoryEntry(decoded), entrySize(key, encodedBytes), ttlMs);
  }

  private hold(key: string, held: Held, size: number, ttlMs: number): void {
    if (!(ttlMs > 0)) {
      this.cache.delete(key);
      return;
    }
    const isNewKey = this.cache.peek(key, { allowStale: true }) === undefined;
    this.countEvictionsDue = isNewKey && this.cache.size >= this.maxEntries ? 1 : 0;
    try {
      this.cache.set(key, held, { ttl: Number.isFinite(ttlMs) ? ttlMs : 0, size });
    } finally {
      this.countEvictionsDue = 0;
    }
  }

  async delete(key: string): Promise<boolean> {
    return this.deleteLive(key);
  }

  /** Does not refresh recency (like Redis EXISTS). */
  async exists(key: string): Promise<boolean> {
    return this.isLive(key);
  }

  /** Milliseconds left, rounded up (`Infinity` for an entry stored without expiry). Does not refresh recency. */
  async ttl(key: string): Promise<number | undefined> {
    if (!this.isLive(key)) return undefined;
    // The clock may tick between the two reads; a live entry never reports less than 0.
    return Math.max(0, Math.ceil(this.cache.getRemainingTTL(key)));
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
    // Sweep first so expired entries nobody read are not counted as live.
    this.purgeExpired();
    return {
      redis: { status: 'disabled' },
      memory: { entries: this.cache.size, maxEntries: this.maxEntries, bytes: this.cache.calculatedSize },
    };
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

  /** False for a missing key; an expired one is dropped on the spot (reported as 'expired'). */
  private isLive(key: string): boolean {
    if (this.cache.has(key)) return true;
    // has() is false for a missing or an expired key; get() removes an expired one and ignores a missing one.
    this.cache.get(key);
    return false;
  }

  private deleteLive(key: string): boolean {
    return this.isLive(key) && this.cache.delete(key);
  }

  private classifyRemoval(key: string, reason: LRUCache.DisposeReason): void {
    if (reason === 'expire') {
      this.pendingReasons.set(key, 'expired');
    } else if (reason === 'evict') {
      // An entry pushed out after its TTL ran out left because it expired, not for lack of room.
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

/** Memory holds nothing compressed: a memory hit reports `compressed: false`, whatever Redis holds. */
function asMemoryEntry(decoded: DecodedEntry<unknown>): DecodedEntry<unknown> {
  return decoded.compressed ? { ...decoded, compressed: false } : decoded;
}

/** A copy in its own memory: not a view the caller can mutate, and not a slice pinning a pool slab. */
function ownCopy(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}
