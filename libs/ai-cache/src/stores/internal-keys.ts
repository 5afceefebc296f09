/**
 * Keys the library keeps for itself under the namespace (fleet leases, failure markers) start with
 * this character after `namespace:`. Operation names cannot contain it, so `ai:<operation>:*`
 * never selects them, and invalidation never counts them as entries. Generic keys may not start
 * with it either (`set('#x', …)` is refused).
 *
 * An entry's lease and marker carry the entry's full Redis key as a hash tag (`{ns:ai:…}`), so that on
 * a Cluster they live in the entry's slot: one script can read the entry and take its lease.
 */
export const INTERNAL_KEY_MARK = '#';

/** Relative keys (after `namespace:`), like every key the stores are given. */
export const leaseKey = (prefix: string, entryKey: string): string => `${INTERNAL_KEY_MARK}lease:{${prefix}${entryKey}}`;
export const failureMarkerKey = (prefix: string, entryKey: string): string => `${INTERNAL_KEY_MARK}failed:{${prefix}${entryKey}}`;

export const isInternalKey = (relativeKey: string): boolean => relativeKey.startsWith(INTERNAL_KEY_MARK);
