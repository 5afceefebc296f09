import type { FleetCoordination } from '../fleet/fleet-coordination.interface';
import { CACHE_STORE } from '../cache.constants';
import type { CacheEntry } from '../interfaces/cache-entry.interface';
import type { CacheDriver, RedisStatus } from '../interfaces/cache-stats.interface';

/** Which tier answered a read. */
export type CacheTier = 'memory' | 'redis';

/** A value, or a promise of it: memory tiers answer synchronously, so a memory hit costs no extra promise. */
export type MaybePromise<T> = T | Promise<T>;

/** What a read returns: the entry (shared with the tier: read-only) and the tier it came from. */
export interface StoreRead<T = unknown> {
  readonly entry: CacheEntry<T>;
  readonly tier: CacheTier;
}

/** A read that also takes the fleet's lease when there is no entry (the redis driver's one-round-trip miss). */
export interface ReadOrLease {
  read?: StoreRead;
  leased: boolean;
  /** Why Redis refused the lease script (an ACL without EVAL/EVALSHA): the read was made without it. */
  scriptsRefused?: string;
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
  /** Why the store is degraded while Redis answers (e.g. the L1 coherence path is broken). */
  reason?: string;
}

export interface StoreDiagnostics {
  breaker?: { state: string; errors: number; timeouts: number; shortCircuited: number; opened: number };
  coherence?: { live: boolean; invalidations: number; flushes: number; resyncs: number; pingFailures: number; unavailable?: string };
  /** True while Redis is failing and memory alone serves, or while L1 cannot hear invalidations. */
  degraded?: boolean;
}

/**
 * The injection token of the module's store (`@Inject(CacheStore) store: CacheStore`): the interface
 * doubles as its token, as @nestjs/throttler's ThrottlerStorage does.
 */
export const CacheStore: typeof CACHE_STORE = CACHE_STORE;

/**
 * The storage contract, and the extension point: the `store` option takes a store of your own,
 * and `describeCacheStoreConformance` (nestjs-ai-cache/testing) checks it keeps this contract. A store is bound to one namespace: every key it is given is relative
 * (`user:1`), and it never reads or writes anything outside `${namespace}:`.
 *
 * Entries go in and come out decoded (`CacheEntry`). A store that keeps bytes (Redis, or your own
 * KV service) encodes them with `json`, the entry's envelope JSON the service already made, or with
 * `RedisEntryCodec`; a store that keeps values in memory keeps a copy of `entry.value` (the caller
 * may change its object afterwards). What `get` returns is shared with the store: read-only.
 *
 * Stores know nothing about Nest or requests. Failures: a store may throw; the service counts the
 * error and answers as a miss (reads) or carries on (writes). A fail-open store absorbs them itself.
 */
export interface CacheStore {
  readonly driver: CacheDriver;
  /** The live entry, or undefined. An entry past `staleUntil` is never returned. */
  get(key: string): MaybePromise<StoreRead | undefined>;
  /** Stores `entry` until `entry.staleUntil` (an entry already past it removes any previous value). */
  set(key: string, entry: CacheEntry, json: string): Promise<void>;
  /** True when something was removed. */
  delete(key: string): Promise<boolean>;
  /** True exactly when `get` would answer an entry (a foreign value under the key is not one). */
  exists(key: string): Promise<boolean>;
  /** Milliseconds until the entry stops being fresh (`expiresAt`), or undefined when `get` would miss. */
  ttl(key: string): Promise<number | undefined>;
  /** Removes every key whose relative name matches the Redis-style glob; returns distinct keys removed. */
  deleteMatching(pattern: string): Promise<number>;
  /** Removes every key of the namespace; returns how many. */
  clear(): Promise<number>;
  stats(): Promise<StoreStats>;
  health(): Promise<StoreHealth>;
  /** Counters of the store's own machinery (circuit breaker, coherence), read by the monitor. */
  diagnostics?(): StoreDiagnostics;
  /**
   * Optional: leases, failure markers and a change feed shared by every instance on this store, for
   * fleet-wide single flight (the redis driver has it). Without it, single flight is per process.
   */
  fleet?(): FleetCoordination;
  /** Opens connections. Must never throw for an unreachable backend: the store starts degraded. */
  connect?(): Promise<void>;
  /** Releases what the store opened (never a client the user brought). */
  close?(): Promise<void>;
}

/** What stores report to the monitor (nothing below the service knows the monitor itself). */
export interface StoreObserver {
  /** An entry left a memory tier for lack of room or by expiry. */
  eviction?(reason: 'lru' | 'expired' | 'bytes'): void;
  /** Bytes under one of our keys that are not an intact entry: a miss, removed. */
  corruptedEntry?(): void;
  /**
   * A value that did not decrypt (unknown key id, failed tag, or unsealed while encryption is on): a miss,
   * removed, and not also reported as a corrupted entry.
   */
  decryptFailure?(): void;
  /** An entry was compressed on its way to Redis. */
  compression?(jsonBytes: number, storedBytes: number, durationMs: number): void;
}
