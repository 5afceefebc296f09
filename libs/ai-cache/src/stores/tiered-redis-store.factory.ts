import type { LoggerService } from '@nestjs/common';
import { createRedisEntryCodec } from '../codec/redis-entry-codec.factory';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import type { CacheStore, StoreObserver } from './cache-store.interface';
import type { StoreLogger } from './circuit-breaker';
import { MemoryStore } from './memory.store';
import { RedisStore } from './redis.store';
import { TieredStore } from './tiered.store';

/**
 * The `redis` driver: L1 memory in front of Redis. Kept in its own file so that only apps on the
 * Redis driver load ioredis (cache-store.factory.ts imports this lazily).
 */
export function createTieredRedisStore(options: ResolvedCacheOptions, observer: StoreObserver, logger: LoggerService): CacheStore {
  const storeLogger: StoreLogger = {
    log: (message: string) => logger.log(message),
    warn: (message: string) => logger.warn(message),
    debug: (message: string) => logger.debug?.(message),
  };
  const codec = createRedisEntryCodec(options, observer);
  if (options.redis.tls?.rejectUnauthorized === false) {
    logger.warn('redis.tls.rejectUnauthorized is false: the Redis server certificate is not verified, so a man in the middle can read and change cached data');
  }
  const redis = new RedisStore({
    namespace: options.namespace,
    codec,
    url: options.redis.url,
    cluster: options.redis.cluster,
    tls: options.redis.tls,
    client: options.redis.client,
    connectTimeoutMs: options.redis.connectTimeoutMs,
    commandTimeoutMs: options.redis.commandTimeoutMs,
    logger: storeLogger,
    observer,
  });
  const onEvict = (_key: string, reason: 'lru' | 'expired' | 'bytes') => observer.eviction?.(reason);
  const memoryBounds = { maxBytes: options.memoryCacheMaxBytes, maxEntryBytes: options.maxEntryBytes, onEvict };
  const l1 =
    options.memoryCacheSize > 0
      ? new MemoryStore({ maxEntries: options.memoryCacheSize, maxAgeMs: options.memoryCacheMaxAge * 1000, ...memoryBounds })
      : undefined;
  // While Redis is down, memory is the only tier: room for as many entries as the memory driver would keep.
  const outageSize = Math.max(options.memoryCacheSize, options.maxSize) - options.memoryCacheSize;
  const outage = outageSize > 0 ? new MemoryStore({ maxEntries: outageSize, ...memoryBounds }) : undefined;
  return new TieredStore({ redis, l1, outage, connectTimeoutMs: options.redis.connectTimeoutMs, logger: storeLogger });
}
