import { RingSlots } from './ring-slots';

/**
 * Fixed-capacity circular buffer: O(1) push, oldest overwritten first. The seed rebuilt a list on
 * every record; a monitor on the hot path of every cache call must not allocate per record.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private readonly slots: RingSlots;

  constructor(readonly capacity: number) {
    this.slots = new RingSlots(capacity, 'RingBuffer');
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.slots.size;
  }

  push(item: T): void {
    this.items[this.slots.claim()] = item;
  }

  /** The most recent item, in O(1) (the latest memory reading is read on every health check). */
  newest(): T | undefined {
    return this.size === 0 ? undefined : this.items[this.slots.slot(this.size - 1)];
  }

  /** Oldest first. */
  toArray(): T[] {
    const out = new Array<T>(this.size);
    for (let i = 0; i < out.length; i++) out[i] = this.items[this.slots.slot(i)] as T;
    return out;
  }

  /** Drops items from the oldest end while `isStale` holds (items are pushed in time order). */
  dropOldestWhile(isStale: (item: T) => boolean): void {
    while (this.size > 0 && isStale(this.items[this.slots.slot(0)] as T)) this.items[this.slots.dropOldest()] = undefined;
  }

  clear(): void {
    this.items.fill(undefined);
    this.slots.clear();
  }
}
