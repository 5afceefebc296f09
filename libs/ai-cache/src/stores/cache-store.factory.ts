import { Logger } from '@nestjs/common';
// The redis driver hands `redis.client` to ioredis: see it with ioredis' types (no runtime code).
import type {} from '../interfaces/ioredis-client.types';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import { loadWithPeer } from '../utils/optional-peer';
import { describeRedisTarget } from '../utils/redis-target';
import type { CacheStore, StoreObserver } from './cache-store.interface';
import { createStoreContext } from './cache-store.context';
import { assertCacheStore } from './custom-store.option';
import { MemoryStore } from './memory.store';

/**
 * Picks the store once, from the resolved options; it reports to `observer` (the monitor's
 * StoreEventsRecorder). The Redis store is loaded lazily so that apps on the memory driver never
 * load ioredis (an optional peer for them).
 */
export async function createCacheStore(options: ResolvedCacheOptions, observer: StoreObserver): Promise<CacheStore> {
  const logger = new Logger('AICache');
  let store: CacheStore;
  if (options.store !== undefined) {
    store = typeof options.store === 'function' ? await options.store(createStoreContext(options, observer)) : options.store;
    // What a factory returned is checked as a store given directly is.
    assertCacheStore(store, 'store');
    logger.log(`Cache store: your own (${store.constructor?.name || 'a CacheStore'}, driver '${store.driver}'), namespace '${options.namespace}'`);
  } else if (options.driver === 'redis') {
    // Without ioredis installed, say what to install rather than Node's bare "Cannot find module".
    const { createTieredRedisStore } = await loadWithPeer('ioredis', 'the redis driver', () => import('./tiered-redis-store.factory'));
    store = createTieredRedisStore(options, observer, logger);
    const l1 = options.memoryCacheSize > 0 ? `L1 memory tier of ${options.memoryCacheSize} entries` : 'no L1 memory tier';
    logger.log(`Cache driver: redis (${describeRedisTarget(options.redis)}), namespace '${options.namespace}', ${l1}${describeEncryption(options)}`);
  } else {
    store = new MemoryStore({
      maxEntries: options.maxSize,
      maxBytes: options.maxBytes,
      maxEntryBytes: options.maxEntryBytes,
      onEvict: (_key, reason) => observer.eviction?.(reason),
    });
    logger.log(`Cache driver: memory (${options.maxSize} entries${options.maxBytes ? `, ${options.maxBytes} bytes` : ''}), namespace '${options.namespace}'`);
    // Validated all the same (one config for every environment), but nothing here leaves the process.
    if (options.encryption) logger.log('encryption is configured but not used: the memory driver keeps entries in process memory only, nothing is stored at rest');
  }
  return store;
}

/** Ids only, never keys. */
function describeEncryption(options: ResolvedCacheOptions): string {
  const encryption = options.encryption;
  if (!encryption) return '';
  const ids = [...encryption.keys.keys()].map((id) => `'${id}'`).join(', ');
  return `, values encrypted (AES-256-GCM, active key '${encryption.activeKeyId}', keys ${ids})`;
}
