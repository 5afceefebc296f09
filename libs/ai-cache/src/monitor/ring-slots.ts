/**
 * The bookkeeping of a fixed-capacity circular buffer, apart from where the items live: which slot
 * holds the oldest item and how many are held. O(1) everything; the oldest is overwritten first.
 * RingBuffer keeps items in one array; OperationSampleRing keeps them in typed arrays, field by field.
 */
export class RingSlots {
  private start = 0;
  private length = 0;

  constructor(
    readonly capacity: number,
    owner: string,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`${owner} capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.length;
  }

  /** The slot the next item goes in: after the newest, or the oldest's when full (it is overwritten). */
  claim(): number {
    const slot = this.slot(this.length);
    if (this.length < this.capacity) this.length++;
    else this.start = this.slot(1);
    return slot;
  }

  /** The slot of the `index`-th item, oldest first (0 to size - 1). */
  slot(index: number): number {
    const slot = this.start + index;
    return slot >= this.capacity ? slot - this.capacity : slot;
  }

  /** Forgets the oldest item (the buffer must not be empty); returns the slot it was in. */
  dropOldest(): number {
    const slot = this.start;
    this.start = this.slot(1);
    this.length--;
    return slot;
  }

  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}
