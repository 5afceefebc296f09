import type { StoreRead } from '../stores/cache-store.interface';

/**
 * What fleet-wide single flight needs from the shared store: short leases that decide which
 * instance computes an entry, a short-lived failure marker, and a feed of key changes so that
 * waiters learn of a result (or of a lease freed) without busy polling. The redis driver provides
 * it; the memory driver has no fleet.
 *
 * Keys given here are the entries' relative keys (`ai:summarize:…`); implementations keep their own
 * lease and marker keys under the namespace, out of reach of invalidation counts.
 */
export interface FleetCoordination {
  /** False while the shared store is failing: callers then keep to per-process single flight. */
  readonly available: boolean;
  /** A lease for `key`, or undefined when another holder has it. Throws when the store fails. */
  tryAcquire(key: string, leaseMs: number): Promise<FleetLease | undefined>;
  /**
   * Reads `key` and, when there is no entry, tries for its lease in the same round trip: what a
   * getOrCompute miss needs, for the price of a read. Throws when the store fails.
   */
  readOrAcquire(key: string, leaseMs: number): Promise<{ read?: StoreRead; lease?: FleetLease }>;
  /** Marks `key`'s last compute as failed for `ttlMs` (waiters then retry one at a time). Never throws. */
  markFailed(key: string, ttlMs: number): Promise<void>;
  /** Whether a failure marker is set for `key`. Throws when the store fails. */
  isMarkedFailed(key: string): Promise<boolean>;
  /**
   * Calls `onChange` whenever the entry, its lease or its failure marker may have changed (written,
   * removed, expired, flushed, or the feed reconnected and may have missed something). Returns the
   * function that stops watching. Register before re-reading the entry, so no change is lost.
   */
  watch(key: string, onChange: () => void): () => void;
  /** True when `watch` is fed by the store (else callers must poll). */
  readonly watchable: boolean;
}

/** A held lease: renew while computing, release when done (only the holder's token releases it). */
export interface FleetLease {
  /** Extends the lease by `leaseMs`; false when it was lost (expired and taken, or removed). */
  renew(leaseMs: number): Promise<boolean>;
  /** Removes the lease if it is still ours; never throws. */
  release(): Promise<void>;
}
