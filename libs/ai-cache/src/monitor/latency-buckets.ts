/**
 * Upper bounds (inclusive, Prometheus `le`) of the latency histogram, in seconds: 10 µs to 10 s in
 * 1-2.5-5 steps, from a memory hit (a few µs) to a model-sized stall of Redis. Written out, not
 * computed, so the `le` labels are exactly these strings.
 */
export const LATENCY_BUCKET_LABELS = [
  '0.00001', '0.000025', '0.00005', '0.0001', '0.00025', '0.0005',
  '0.001', '0.0025', '0.005', '0.01', '0.025', '0.05',
  '0.1', '0.25', '0.5', '1', '2.5', '5', '10',
] as const;

/** The same bounds in milliseconds (what the monitor records), compared without any conversion per call. */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
  1, 2.5, 5, 10, 25, 50,
  100, 250, 500, 1000, 2500, 5000, 10000,
];

/** Slots per histogram: one per bound, and one for what exceeds the last (`le="+Inf"` only). */
export const LATENCY_BUCKET_SLOTS = LATENCY_BUCKET_BOUNDS_MS.length + 1;

/**
 * The slot a duration falls in: the first bound it does not exceed. A linear scan from the
 * bottom: cache calls mostly land in the first few slots, where it beats a binary search.
 */
export function latencyBucketIndex(durationMs: number): number {
  const bounds = LATENCY_BUCKET_BOUNDS_MS;
  let index = 0;
  while (index < bounds.length && durationMs > bounds[index]) index++;
  return index;
}
