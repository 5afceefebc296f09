import type { CacheOperationKind, CacheOperationSample, OperationTier } from './monitor.types';
import { RingSlots } from './ring-slots';

/** What a sample was an operation of. Callers keep one per (kind, operation, tier) and pass it on every push. */
export interface OperationSeriesRef {
  readonly kind: CacheOperationKind;
  readonly operation: string;
  readonly tier: OperationTier;
}

/**
 * The cache-operation samples, struct-of-arrays: a push writes two numbers and one reference into
 * preallocated arrays, where a ring of sample objects allocated one per cache call, each kept alive
 * until overwritten (the bench's A/B: see bench/PERFORMANCE.md). Sample objects are built only when
 * read. Fixed capacity, O(1) push, oldest overwritten first.
 */
export class OperationSampleRing {
  private readonly at: Float64Array;
  private readonly durationMs: Float64Array;
  private readonly series: (OperationSeriesRef | undefined)[];
  private readonly slots: RingSlots;

  constructor(readonly capacity: number) {
    this.slots = new RingSlots(capacity, 'OperationSampleRing');
    this.at = new Float64Array(capacity);
    this.durationMs = new Float64Array(capacity);
    this.series = new Array<OperationSeriesRef | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.slots.size;
  }

  push(at: number, durationMs: number, series: OperationSeriesRef): void {
    const slot = this.slots.claim();
    this.at[slot] = at;
    this.durationMs[slot] = durationMs;
    this.series[slot] = series;
  }

  /** Oldest first, as fresh objects (callers may keep or change them). */
  toArray(): CacheOperationSample[] {
    const out = new Array<CacheOperationSample>(this.size);
    for (let i = 0; i < out.length; i++) {
      const slot = this.slots.slot(i);
      const { kind, operation, tier } = this.series[slot] as OperationSeriesRef;
      out[i] = { at: this.at[slot], durationMs: this.durationMs[slot], kind, operation, tier };
    }
    return out;
  }

  /** Drops samples taken at or before `cutoff` (samples are pushed in time order, so only from the oldest end). */
  dropAtOrBefore(cutoff: number): void {
    // Releasing the reference lets a reset monitor free its old series.
    while (this.size > 0 && this.at[this.slots.slot(0)] <= cutoff) this.series[this.slots.dropOldest()] = undefined;
  }

  clear(): void {
    this.series.fill(undefined);
    this.slots.clear();
  }
}
