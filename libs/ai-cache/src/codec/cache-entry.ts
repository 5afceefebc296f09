import type { CacheEntry } from '../interfaces/cache-entry.interface';

/**
 * `entry` with another value and/or `compressed` flag, built field by field in the one shape every
 * entry has: object spread over entries of varying shape goes through V8's slow clone path, and this
 * runs on every write (bench/PERFORMANCE.md, "Figures behind the code").
 */
export function entryWith<T>(entry: CacheEntry, value: T, compressed = entry.compressed): CacheEntry<T> {
  return {
    value,
    cachedAt: entry.cachedAt,
    expiresAt: entry.expiresAt,
    staleUntil: entry.staleUntil,
    compressed,
    size: entry.size,
    operation: entry.operation,
    textLength: entry.textLength,
    computeMs: entry.computeMs,
  };
}
