import { RingBuffer } from './ring-buffer';

/**
 * A bounded, time-ordered series of samples: the retained window each analysis (compression,
 * invalidation, memory) works on. At most `capacity` samples, the oldest dropped first, and none at
 * or before the retention cutoff once `prune` ran.
 */
export class SampleSeries<T extends { at: number }> {
  protected readonly samples: RingBuffer<T>;

  constructor(capacity: number) {
    this.samples = new RingBuffer(capacity);
  }

  get size(): number {
    return this.samples.size;
  }

  toArray(): T[] {
    return this.samples.toArray();
  }

  /** Drops samples taken at or before `cutoff` (epoch ms). */
  prune(cutoff: number): void {
    this.samples.dropOldestWhile((sample) => sample.at <= cutoff);
  }

  clear(): void {
    this.samples.clear();
  }
}
