import type { CacheEntry } from '../interfaces/cache-entry.interface';

/**
 * `fresh` until `expiresAt`, then `stale` until `staleUntil` (the stale-while-revalidate window),
 * when stores drop it. A store never returns an entry past `staleUntil`.
 */
export function isStale(entry: CacheEntry, now: number): boolean {
  return now >= entry.expiresAt;
}

/**
 * XFetch (Vattani, Chierichetti, Lowenstein, "Optimal Probabilistic Cache Stampede Prevention",
 * VLDB 2015): recompute a fresh entry early when `now − beta·δ·ln(rand) ≥ expiresAt`, δ being how long
 * computing it took. The closer to expiry and the costlier the compute, the likelier, so under load
 * one reader refreshes a hot entry shortly before it would expire, and nobody sees it missing.
 * An entry without a compute time (written by `cacheResponse`) is never refreshed early.
 *
 * @param random a number in (0, 1]; default `1 - Math.random()` (never 0, whose log is -Infinity).
 */
export function shouldRefreshEarly(entry: CacheEntry, now: number, beta: number, random: number = 1 - Math.random()): boolean {
  const delta = entry.computeMs;
  if (delta === undefined || !(delta > 0) || !Number.isFinite(entry.expiresAt) || now >= entry.expiresAt) return false;
  return now - beta * delta * Math.log(random) >= entry.expiresAt;
}
