import { CacheOptionsError } from '../cache-options.error';
import type { CacheStoreOption } from './cache-store.context';
import type { CacheStore } from './cache-store.interface';

/** The methods every CacheStore has (connect, close and diagnostics are optional). */
const STORE_METHODS = ['get', 'set', 'delete', 'exists', 'ttl', 'deleteMatching', 'clear', 'stats', 'health'] as const;
const DRIVERS: ReadonlySet<unknown> = new Set(['memory', 'redis', 'custom']);

/**
 * The `store` option, checked: a CacheStore or a function that makes one, never beside `driver` or
 * `redis` (a store of your own replaces the driver, and a silently ignored Redis url would mislead).
 */
export function resolveStoreOption(raw: Record<string, unknown>): CacheStoreOption | undefined {
  const store = raw.store;
  if (store === undefined) return undefined;
  for (const other of ['driver', 'redis'] as const) {
    if (raw[other] !== undefined) {
      throw new CacheOptionsError('store', `a store of your own replaces the driver: remove \`${other}\``, store);
    }
  }
  if (typeof store === 'function') return store as CacheStoreOption;
  assertCacheStore(store, 'store');
  return store;
}

/** Throws a CacheOptionsError naming `option` unless `value` has the CacheStore members. */
export function assertCacheStore(value: unknown, option: string): asserts value is CacheStore {
  if (typeof value !== 'object' || value === null) {
    throw new CacheOptionsError(option, 'expected a CacheStore, or a function (context) => CacheStore', value);
  }
  const store = value as Record<string, unknown>;
  const missing = STORE_METHODS.filter((method) => typeof store[method] !== 'function');
  if (missing.length > 0) {
    throw new CacheOptionsError(option, `not a CacheStore: no ${missing.map((m) => `${m}()`).join(', ')}`, value);
  }
  if (!DRIVERS.has(store.driver)) {
    throw new CacheOptionsError(option, "not a CacheStore: its driver must be 'custom' (or 'memory' / 'redis' for a store that behaves as those)", store.driver);
  }
}
