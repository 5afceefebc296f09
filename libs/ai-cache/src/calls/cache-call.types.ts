import type { GetOrComputeOptions } from '../interfaces/ai-request.interface';
import type { CacheTier } from '../stores/cache-store.interface';

/** How a `getOrComputeWithStatus` call was answered. */
export interface CacheOutcome<T> {
  value: T;
  /**
   * `hit`: served from the cache; `stale`: served from the cache past its TTL, inside its stale window
   * (a background refresh is under way); `miss`: this call computed; `coalesced`: got an identical
   * call's computation (in this process, or another instance's through the fleet's lease).
   */
  status: 'hit' | 'stale' | 'miss' | 'coalesced';
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

/** A call's controls once validated: the TTL in seconds, the scope a valid tenant. */
export interface CallControls<T = unknown> {
  /** Seconds; undefined: the operation's TTL, else `defaultTtl`. */
  readonly ttl?: number;
  readonly scope?: string;
  readonly noCache?: boolean;
  readonly noStore?: boolean;
  readonly forceRefresh?: boolean;
  readonly unless?: (result: T) => boolean;
  /** Names the caller in log lines, e.g. `'Svc.method'`. */
  readonly label?: string;
  /** Seconds of stale window for what this call writes; undefined: the module's. */
  readonly staleWhileRevalidate?: number;
  /** Refresh-ahead for this call; false: off; undefined: the module's. */
  readonly refreshAhead?: { beta: number } | false;
}

/**
 * One call, prepared once: its request validated and keyed, its TTL and controls resolved. Every
 * path through the cache (getOrCompute, the decorator, streams, getCachedResponse, cacheResponse)
 * starts from one, so nothing is validated or hashed twice.
 */
export interface PreparedCall<T = unknown> {
  /** The entry's key, relative to the namespace. */
  readonly key: string;
  readonly operation: string;
  /** Length of the request text, stored with the entry. */
  readonly textLength: number;
  /** Seconds the entry this call writes lives. */
  readonly ttlSeconds: number;
  /** `lookup`: answer from the cache when it can; `bypass` (noCache): compute, still write; `refresh` (forceRefresh): drop the entry, then compute and write. */
  readonly read: 'lookup' | 'bypass' | 'refresh';
  /** False for noStore: nothing this call computes is written. */
  readonly write: boolean;
  /** The single-flight key: calls that will not write get flights of their own. */
  readonly flightKey: string;
  /** A result for which this returns true is returned but not written. */
  readonly unless?: (result: T) => boolean;
  /** Names the caller in log lines (default: the operation). */
  readonly label?: string;
  /** Seconds the entry this call writes is kept (and answered stale) past its TTL. */
  readonly staleSeconds: number;
  /** XFetch's beta when this call refreshes its entry ahead of expiry. */
  readonly refreshAhead?: { beta: number };
  /** Whether a miss goes through the fleet's lease (it writes, and the module's fleet is on). */
  readonly fleet: boolean;
}
