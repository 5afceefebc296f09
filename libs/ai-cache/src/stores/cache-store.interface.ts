import type { DecodedEntry } from '../codec/cache-entry.codec';
import type { CacheDriver, RedisStatus } from '../interfaces/cache-stats.interface';

/** Which tier answered a read. */
export type CacheTier = 'memory' | 'redis';

/** What a read returns: the encoded envelope, or the entry already decoded. */
export type StoredEntry = EncodedStoredEntry | DecodedStoredEntry;

/** Encoded bytes as a store returns them, with the tier they came from. */
export interface EncodedStoredEntry {
  tier: CacheTier;
  /** Read-only: a store may return the very Buffer it caches; never write into it. */
  bytes: Buffer;
  decoded?: undefined;
}

/**
 * An entry already decoded: one a memory tier keeps (parsed once, when stored), or a Redis read the
 * tiered store decoded once for L1 and the caller. It may be SHARED with a tier: the reader must
 * copy `value` (cloneJson) before handing it to anyone.
 */
export interface DecodedStoredEntry {
  tier: CacheTier;
  decoded: DecodedEntry<unknown>;
  bytes?: undefined;
}

export interface StoreStats {
  redis: { status: RedisStatus; keys?: number; memoryUsedBytes?: number };
  memory: { entries: number; maxEntries: number; bytes: number };
}

export interface StoreHealth {
  /** Redis reachable (always false for the memory driver, where `redis` is not configured). */
  connected: boolean;
  latencyMs?: number;
  status: RedisStatus;
}

export interface StoreDiagnostics {
  breaker?: { state: string; errors: number; timeouts: number; shortCircuited: number; opened: number };
  invalidation?: { published: number; publishFailures: number; received: number; malformed: number; resyncs: number };
  /** True while Redis is failing and memory alone serves. */
  degraded?: boolean;
}

/**
 * The seed's CacheInterface, for encoded bytes. A store is bound to one namespace: every key it is
 * given is relative (`user:1`), and it never reads or writes anything outside `${namespace}:`.
 * TTLs are milliseconds here; the service converts from the seconds users give.
 *
 * Stores know nothing about Nest or requests: they move bytes. Memory tiers may be given the codec's
 * `decode` to keep entries parsed (a hit then costs a copy of the value instead of a parse).
 */
export interface CacheStore {
  readonly driver: CacheDriver;
  get(key: string): Promise<StoredEntry | undefined>;
  /**
   * `bytes` is what Redis keeps (compressed above the threshold); `plain`, when given, is the same
   * envelope uncompressed, which in-process tiers decode instead of `bytes` (no inflate).
   */
  set(key: string, bytes: Buffer, ttlMs: number, plain?: Buffer): Promise<void>;
  /** True when an entry was removed. */
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  /** Milliseconds left, or undefined when the key is missing. */
  ttl(key: string): Promise<number | undefined>;
  /** Removes every key whose relative name matches the Redis-style glob; returns distinct keys removed. */
  deleteMatching(pattern: string): Promise<number>;
  /** Removes every key of the namespace; returns how many. */
  clear(): Promise<number>;
  stats(): Promise<StoreStats>;
  health(): Promise<StoreHealth>;
  /**
   * Counters of the store's own machinery (circuit breaker, invalidation channel), read by the
   * monitor: errors a fail-open store absorbs never reach the service, so they are counted here.
   */
  diagnostics?(): StoreDiagnostics;
  /** Opens connections. Must never throw for an unreachable backend: the store starts degraded. */
  connect?(): Promise<void>;
  /** Releases what the store opened (never a client the user brought). */
  close?(): Promise<void>;
}
