import type { CacheEntry } from '../interfaces/cache-entry.interface';
import { MemoryStore, type MemoryEvictionReason, type MemoryStoreOptions } from './memory.store';

/** A string value of `length` UTF-8 bytes (its entry's size, see `put`). */
export const ofSize = (length: number): string => 'a'.repeat(length);

/**
 * What the MemoryStore specs share: a test clock, the evictions reported, stores closed after each
 * test. Call at the top of a describe block.
 */
export function useMemoryStores() {
  const t = {
    clock: 0,
    evictions: [] as Array<[string, MemoryEvictionReason]>,
    /** A store on the test clock, without the sweep timer unless the test asks for one. */
    createStore(options: Partial<MemoryStoreOptions> = {}): MemoryStore {
      const store = new MemoryStore({
        maxEntries: 10,
        now: () => t.clock,
        purgeIntervalMs: 0,
        onEvict: (key, reason) => t.evictions.push([key, reason]),
        ...options,
      });
      stores.push(store);
      return store;
    },
    /**
     * `set()`'s arguments for an entry of `value` that lives `ttlMs` from now on the test clock: the
     * entry (its size the value's UTF-8 length unless given, so byte bounds are easy to reason about)
     * and its envelope JSON.
     */
    put(value: unknown, ttlMs: number, size?: number): [CacheEntry, string] {
      const json = JSON.stringify({ t: 1, v: value });
      const until = t.clock + ttlMs;
      const bytes = size ?? Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
      return [{ value, cachedAt: 1, expiresAt: until, staleUntil: until, compressed: false, size: bytes }, json];
    },
    text: (store: MemoryStore, key: string): unknown => store.get(key)?.entry.value,
    /** Closes `store` after the test, as the stores createStore makes are. */
    track(store: MemoryStore): void {
      stores.push(store);
    },
  };
  const stores: MemoryStore[] = [];

  beforeEach(() => {
    t.clock = 5_000;
    t.evictions = [];
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
  return t;
}
