import type { CacheOperationKind, CacheOperationSample, OperationTier } from './monitor.types';

/** What a sample was an operation of. Callers keep one per (kind, operation, tier) and pass it on every push. */
export interface OperationSeriesRef {
  readonly kind: CacheOperationKind;
  readonly operation: string;
  readonly tier: OperationTier;
}

/**
 * The cache-operation samples, struct-of-arrays: a push writes two numbers and one reference into
 * preallocated arrays, where a `RingBuffer<CacheOperationSample>` allocated an object per cache call
 * (measured: ~7% of a memory hit, plus the GC behind it). Sample objects are built only when read.
 * Fixed capacity, O(1) push, oldest overwritten first.
 */
export class OperationSampleRing {
  private readonly at: Float64Array;
  private readonly durationMs: Float64Array;
  private readonly series: (OperationSeriesRef | undefined)[];
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`OperationSampleRing capacity must be a positive integer, got ${capacity}`);
    }
    this.at = new Float64Array(capacity);
    this.durationMs = new Float64Array(capacity);
    this.series = new Array<OperationSeriesRef | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.length;
  }

  push(at: number, durationMs: number, series: OperationSeriesRef): void {
    let end = this.start + this.length;
    if (end >= this.capacity) end -= this.capacity;
    this.at[end] = at;
    this.durationMs[end] = durationMs;
    this.series[end] = series;
    if (this.length < this.capacity) this.length++;
    else if (++this.start === this.capacity) this.start = 0;
  }

  /** Oldest first, as fresh objects (callers may keep or change them). */
  toArray(): CacheOperationSample[] {
    const out = new Array<CacheOperationSample>(this.length);
    for (let i = 0; i < this.length; i++) {
      const slot = (this.start + i) % this.capacity;
      const { kind, operation, tier } = this.series[slot] as OperationSeriesRef;
      out[i] = { at: this.at[slot], durationMs: this.durationMs[slot], kind, operation, tier };
    }
    return out;
  }

  /** Drops samples taken at or before `cutoff` (samples are pushed in time order, so only from the oldest end). */
  dropAtOrBefore(cutoff: number): void {
    while (this.length > 0 && this.at[this.start] <= cutoff) {
      // Release the reference so a reset monitor does not keep old series alive.
      this.series[this.start] = undefined;
      this.start = (this.start + 1) % this.capacity;
      this.length--;
    }
  }

  clear(): void {
    this.series.fill(undefined);
    this.start = 0;
    this.length = 0;
  }
}
