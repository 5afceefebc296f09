import type { StoreStats } from './cache-store.interface';
import type { MemoryStore } from './memory.store';

/**
 * The redis driver's two in-process tiers seen as one, for what spans both: their keys, removing
 * keys from both (counted once each), and their figures.
 */
export class MemoryTiers {
  constructor(
    readonly l1: MemoryStore | undefined,
    readonly outage: MemoryStore | undefined,
  ) {}

  *keys(): Iterable<string> {
    if (this.l1) yield* this.l1.keys();
    if (this.outage) yield* this.outage.keys();
  }

  /** Removes the keys from both tiers; returns how many distinct keys were there. */
  delete(keys: Iterable<string>): number {
    let removed = 0;
    for (const key of keys) {
      const fromL1 = this.l1?.deleteMany([key]) ?? 0;
      const fromOutage = this.outage?.deleteMany([key]) ?? 0;
      if (fromL1 + fromOutage > 0) removed++;
    }
    return removed;
  }

  /** Entries and bytes of both; the bound in force is L1's, plus the outage tier's while Redis fails or it holds entries. */
  stats(redisFailing: boolean): StoreStats['memory'] {
    const l1 = this.l1?.memoryStats();
    const outage = this.outage?.memoryStats();
    return {
      entries: (l1?.entries ?? 0) + (outage?.entries ?? 0),
      maxEntries: (l1?.maxEntries ?? 0) + ((outage?.entries ?? 0) > 0 || redisFailing ? (outage?.maxEntries ?? 0) : 0),
      bytes: (l1?.bytes ?? 0) + (outage?.bytes ?? 0),
    };
  }
}
