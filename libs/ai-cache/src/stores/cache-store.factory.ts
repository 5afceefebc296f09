import { Logger } from '@nestjs/common';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import type { CacheMonitorService } from '../monitor/cache-monitor.service';
import type { CacheStore, StoreObserver } from './cache-store.interface';
import { MemoryStore } from './memory.store';

/**
 * Picks the store once, from the resolved options. The Redis store is loaded lazily so that apps
 * on the memory driver never load ioredis (an optional peer for them).
 */
export async function createCacheStore(options: ResolvedCacheOptions, monitor: CacheMonitorService): Promise<CacheStore> {
  const logger = new Logger('AICache');
  const observer: StoreObserver = {
    eviction: () => monitor.recordEviction(),
    corruptedEntry: () => monitor.recordCorruptedEntry(),
    compression: (jsonBytes, storedBytes, durationMs) => monitor.recordCompression(jsonBytes, storedBytes, durationMs),
  };
  let store: CacheStore;
  if (options.driver === 'redis') {
    const { createTieredRedisStore } = await import('./tiered-redis-store.factory');
    store = createTieredRedisStore(options, observer, logger);
    const target = options.redis.client ? 'a user-provided client' : options.redis.cluster ? 'a Redis Cluster' : redactUrl(options.redis.url);
    const l1 = options.memoryCacheSize > 0 ? `L1 memory tier of ${options.memoryCacheSize} entries` : 'no L1 memory tier';
    logger.log(`Cache driver: redis (${target}), namespace '${options.namespace}', ${l1}`);
  } else {
    store = new MemoryStore({
      maxEntries: options.maxSize,
      maxBytes: options.maxBytes,
      maxEntryBytes: options.maxEntryBytes,
      onEvict: (_key, reason) => observer.eviction?.(reason),
    });
    logger.log(`Cache driver: memory (${options.maxSize} entries${options.maxBytes ? `, ${options.maxBytes} bytes` : ''}), namespace '${options.namespace}'`);
  }
  monitor.attachStore(store);
  return store;
}

/** Never log a password. */
function redactUrl(url: string | undefined): string {
  return (url ?? '').replace(/\/\/([^@/]*)@/, '//***@');
}
