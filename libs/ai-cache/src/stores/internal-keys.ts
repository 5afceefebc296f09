/**
 * Keys the library keeps for itself under the namespace (fleet leases, failure markers) start with
 * this character after `namespace:`. Operation names cannot contain it, so `ai:<operation>:*`
 * never selects them, and invalidation never counts them as entries. Generic keys may not start
 * with it either (`set('#x', …)` is refused).
 */
export const INTERNAL_KEY_MARK = '#';

export const leaseKey = (entryKey: string): string => `${INTERNAL_KEY_MARK}lease:${entryKey}`;
export const failureMarkerKey = (entryKey: string): string => `${INTERNAL_KEY_MARK}failed:${entryKey}`;

export const isInternalKey = (relativeKey: string): boolean => relativeKey.startsWith(INTERNAL_KEY_MARK);
