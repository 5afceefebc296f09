import { LATENCY_BUCKET_BOUNDS_MS, LATENCY_BUCKET_LABELS, LATENCY_BUCKET_SLOTS, latencyBucketIndex } from './latency-buckets';

describe('latency buckets', () => {
  it('span 10 µs to 10 s, increasing, with labels that are the same bounds in seconds', () => {
    expect(LATENCY_BUCKET_LABELS).toHaveLength(LATENCY_BUCKET_BOUNDS_MS.length);
    expect(LATENCY_BUCKET_LABELS[0]).toBe('0.00001');
    expect(LATENCY_BUCKET_LABELS[LATENCY_BUCKET_LABELS.length - 1]).toBe('10');
    LATENCY_BUCKET_BOUNDS_MS.forEach((ms, i) => {
      expect(Number(LATENCY_BUCKET_LABELS[i]) * 1000).toBeCloseTo(ms, 9);
      if (i > 0) expect(ms).toBeGreaterThan(LATENCY_BUCKET_BOUNDS_MS[i - 1]);
    });
    expect(LATENCY_BUCKET_SLOTS).toBe(20);
  });

  it('put a duration in the first bucket whose bound it does not exceed (le is inclusive)', () => {
    expect(latencyBucketIndex(0)).toBe(0);
    expect(latencyBucketIndex(0.01)).toBe(0);
    expect(latencyBucketIndex(0.0100001)).toBe(1);
    expect(latencyBucketIndex(0.3)).toBe(5);
    expect(latencyBucketIndex(1)).toBe(6);
    expect(latencyBucketIndex(10_000)).toBe(18);
    expect(latencyBucketIndex(10_000.5)).toBe(19);
    expect(latencyBucketIndex(Number.POSITIVE_INFINITY)).toBe(19);
  });
});
