import type { CacheEntry } from '../interfaces/cache-entry.interface';
import { isStale, shouldRefreshEarly } from './freshness';

const entry = (expiresAt: number, computeMs?: number, staleUntil = expiresAt): CacheEntry => ({
  value: 'v', cachedAt: 0, expiresAt, staleUntil, compressed: false, size: 1, computeMs,
});

describe('freshness', () => {
  it('is stale from expiresAt on', () => {
    expect(isStale(entry(1_000, 1, 5_000), 999)).toBe(false);
    expect(isStale(entry(1_000, 1, 5_000), 1_000)).toBe(true);
  });

  it('refreshes early with XFetch\'s probability: likelier near expiry, for costlier computes, with a larger beta', () => {
    const rate = (now: number, computeMs: number, beta = 1) => {
      let hits = 0;
      for (let i = 1; i <= 10_000; i++) if (shouldRefreshEarly(entry(10_000, computeMs), now, beta, i / 10_000)) hits++;
      return hits / 10_000;
    };
    // P = exp(-(expiry - now) / (beta·δ)): 1 s left, δ = 1 s → e^-1 ≈ 0.37.
    expect(rate(9_000, 1_000)).toBeCloseTo(Math.exp(-1), 2);
    expect(rate(9_900, 1_000)).toBeCloseTo(Math.exp(-0.1), 2);
    expect(rate(9_000, 100)).toBeCloseTo(Math.exp(-10), 3);
    expect(rate(9_000, 1_000, 2)).toBeCloseTo(Math.exp(-0.5), 2);
    expect(rate(0, 1_000)).toBeCloseTo(Math.exp(-10), 3);
  });

  it('never refreshes early an entry without a compute time, one already expired, or one that never expires', () => {
    expect(shouldRefreshEarly(entry(10_000), 9_999, 1, 1e-9)).toBe(false);
    expect(shouldRefreshEarly(entry(10_000, 0), 9_999, 1, 1e-9)).toBe(false);
    expect(shouldRefreshEarly(entry(10_000, 500), 10_000, 1, 1e-9)).toBe(false);
    expect(shouldRefreshEarly(entry(Number.POSITIVE_INFINITY, 500), 10_000, 1, 1e-9)).toBe(false);
  });
});
