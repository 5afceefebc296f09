import { resolveCacheOptions } from '../cache-options.resolver';
import { type CacheStoreContext, createStoreContext } from '../stores/cache-store.context';

/** What a store reported through a test context's observer. */
export interface ObservedStoreEvents {
  evictions: number;
  corruptedEntries: number;
  decryptFailures: number;
  compressions: number;
}

/**
 * The CacheStoreContext CacheModule would hand a store factory for `namespace` with the default
 * options (1 MiB entries, deflate above 1000 bytes), for building a store of your own outside
 * Nest; `events` counts what the store reported through its observer.
 */
export function testStoreContext(namespace: string, options: { maxEntryBytes?: number } = {}): { context: CacheStoreContext; events: ObservedStoreEvents } {
  const events: ObservedStoreEvents = { evictions: 0, corruptedEntries: 0, decryptFailures: 0, compressions: 0 };
  const context = createStoreContext(resolveCacheOptions({ namespace, maxEntryBytes: options.maxEntryBytes }), {
    eviction: () => void events.evictions++,
    corruptedEntry: () => void events.corruptedEntries++,
    decryptFailure: () => void events.decryptFailures++,
    compression: () => void events.compressions++,
  });
  return { context, events };
}
