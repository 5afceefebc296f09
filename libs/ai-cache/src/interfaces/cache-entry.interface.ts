/**
 * One cached entry as every tier sees it: the value decoded, with the facts stored beside it.
 *
 * Entries are immutable once made: a store keeps the object it was given and hands the same object
 * to every reader, so nobody may change it (or its value) after `set()`, and whoever exposes a
 * value to application code copies it first (the service does).
 */
export interface CacheEntry<T = unknown> {
  readonly value: T;
  /** When it was written, epoch milliseconds. */
  readonly cachedAt: number;
  /** When it stops being fresh (the end of its TTL), epoch milliseconds; `Infinity`: never. */
  readonly expiresAt: number;
  /**
   * Until when it may still be answered as stale (stale-while-revalidate), epoch milliseconds,
   * `>= expiresAt`. Stores drop the entry at this time; without a stale window it equals `expiresAt`.
   */
  readonly staleUntil: number;
  /** Whether the authoritative tier stores it compressed; every tier reports the same for one entry. */
  readonly compressed: boolean;
  /** UTF-8 bytes of the entry's uncompressed envelope JSON: what `maxEntryBytes` and memory bounds count. */
  readonly size: number;
  readonly operation?: string;
  /** Length of the request text, in characters. */
  readonly textLength?: number;
  /** How long computing the value took, in milliseconds. */
  readonly computeMs?: number;
}
