import type { CacheTier } from '../stores/cache-store.interface';
import { LATENCY_BUCKET_SLOTS, latencyBucketIndex } from './latency-buckets';
import type { CacheOperationKind, OperationTier } from './monitor.types';

/** The label shared by every operation first seen once `maxOperations` distinct ones have their own. */
export const OTHER_OPERATIONS_LABEL = 'other';

export interface LookupCounter {
  memoryHits: number;
  redisHits: number;
  misses: number;
}

/** Running totals of one (kind, operation, tier): also the series a ring-buffer sample points to. */
export interface OperationTotal {
  readonly kind: CacheOperationKind;
  /** The operation's label: its name, or `other`. */
  readonly operation: string;
  readonly tier: OperationTier;
  count: number;
  totalMs: number;
  /** Latency histogram: counts per slot of LATENCY_BUCKET_BOUNDS_MS (not cumulative), the last one beyond 10 s. */
  readonly buckets: Float64Array;
}

/** Everything recorded for one label, found with one Map lookup on the hot path. */
export interface OperationRecords {
  readonly label: string;
  /** Created on the label's first lookup (writes alone never appear in the lookup counters). */
  lookup?: LookupCounter;
  /** One per (kind, tier) seen, at most 15: a short scan beats building a composite key per call. */
  readonly totals: OperationTotal[];
}

/**
 * Per-operation running totals with a bounded number of labels. Operation names come from callers
 * (and through them, often from requests): without a bound, 10^5 made-up names cost ~44 MB of
 * heap and a 28 MB metrics page. The first `maxOperations` distinct names get their own records;
 * every later one is counted under {@link OTHER_OPERATIONS_LABEL}, and its name is not kept.
 */
export class OperationStats {
  private readonly byLabel = new Map<string, OperationRecords>();
  /** Labels in order of their first lookup. */
  private readonly lookupCounters = new Map<string, LookupCounter>();
  /** In order of first record. */
  private readonly allTotals: OperationTotal[] = [];

  constructor(readonly maxOperations: number) {
    if (!Number.isInteger(maxOperations) || maxOperations < 1) throw new RangeError(`maxOperations must be a positive integer, got ${maxOperations}`);
  }

  /** How many labels have records (at most `maxOperations` + 1, `other` included). */
  get size(): number {
    return this.byLabel.size;
  }

  /** The records of `operation`'s label, created on first sight while there is room. */
  recordsFor(operation: string): OperationRecords {
    const records = this.byLabel.get(operation);
    if (records) return records;
    // `other` is the label of the overflow even when an operation of that name was seen first.
    const label = this.byLabel.size < this.maxOperations ? operation : OTHER_OPERATIONS_LABEL;
    return this.byLabel.get(label) ?? this.create(label);
  }

  countLookup(records: OperationRecords, tier: OperationTier): void {
    let counter = records.lookup;
    if (!counter) {
      counter = { memoryHits: 0, redisHits: 0, misses: 0 };
      records.lookup = counter;
      this.lookupCounters.set(records.label, counter);
    }
    if (tier === 'miss') counter.misses++;
    else if (tier === 'memory') counter.memoryHits++;
    else counter.redisHits++;
  }

  /** Adds one timed operation; returns its series (what ring-buffer samples point to). */
  addDuration(records: OperationRecords, kind: CacheOperationKind, tier: OperationTier, durationMs: number): OperationTotal {
    let total: OperationTotal | undefined;
    for (const candidate of records.totals) {
      if (candidate.kind === kind && candidate.tier === tier) {
        total = candidate;
        break;
      }
    }
    if (!total) {
      total = { kind, operation: records.label, tier, count: 0, totalMs: 0, buckets: new Float64Array(LATENCY_BUCKET_SLOTS) };
      records.totals.push(total);
      this.allTotals.push(total);
    }
    total.count++;
    total.totalMs += durationMs;
    total.buckets[latencyBucketIndex(durationMs)]++;
    return total;
  }

  /** Lookup counters per label, in order of first lookup (copies). */
  lookups(): Record<string, LookupCounter> {
    return Object.fromEntries([...this.lookupCounters].map(([label, counter]) => [label, { ...counter }]));
  }

  lookupEntries(): IterableIterator<[string, LookupCounter]> {
    return this.lookupCounters.entries();
  }

  /** Every series' totals, in order of first record (copies, histogram counts as plain arrays). */
  totals(): Array<{ kind: CacheOperationKind; operation: string; tier: OperationTier; count: number; totalMs: number; buckets: number[] }> {
    return this.allTotals.map(({ kind, operation, tier, count, totalMs, buckets }) => ({ kind, operation, tier, count, totalMs, buckets: Array.from(buckets) }));
  }

  operationCount(): number {
    let count = 0;
    for (const total of this.allTotals) count += total.count;
    return count;
  }

  hitsByTier(): Record<CacheTier, number> {
    const byTier = { memory: 0, redis: 0 };
    for (const counter of this.lookupCounters.values()) {
      byTier.memory += counter.memoryHits;
      byTier.redis += counter.redisHits;
    }
    return byTier;
  }

  clear(): void {
    this.byLabel.clear();
    this.lookupCounters.clear();
    this.allTotals.length = 0;
  }

  private create(label: string): OperationRecords {
    const records: OperationRecords = { label, totals: [] };
    this.byLabel.set(label, records);
    return records;
  }
}
