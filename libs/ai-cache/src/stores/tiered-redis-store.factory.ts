import type { LoggerService } from '@nestjs/common';
import { CacheEntryCodec } from '../codec/cache-entry.codec';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import type { CacheMonitorService } from '../monitor/cache-monitor.service';
import type { CacheStore } from './cache-store.interface';
import { RedisStore } from './redis.store';
import { TieredStore } from './tiered.store';

/**
 * The `redis` driver: L1 memory in front of Redis. Kept in its own file so that only apps on the
 * Redis driver load ioredis (cache-store.factory.ts imports this lazily).
 */
export function createTieredRedisStore(options: ResolvedCacheOptions, monitor: CacheMonitorService, logger: LoggerService): CacheStore {
  const storeLogger = {
    log: (message: string) => logger.log(message),
    warn: (message: string) => logger.warn(message),
    debug: (message: string) => logger.debug?.(message),
  };
  const codec = new CacheEntryCodec(options);
  const redis = new RedisStore({
    namespace: options.namespace,
    url: options.redis.url,
    cluster: options.redis.cluster,
    client: options.redis.client,
    connectTimeoutMs: options.redis.connectTimeoutMs,
    commandTimeoutMs: options.redis.commandTimeoutMs,
    logger: storeLogger,
  });
  return new TieredStore({
    redis,
    memoryCacheSize: options.memoryCacheSize,
    // While Redis is down, memory is the only tier: keep as many entries as the memory driver would.
    degradedMemorySize: Math.max(options.memoryCacheSize, options.maxSize),
    connectTimeoutMs: options.redis.connectTimeoutMs,
    logger: storeLogger,
    onEvict: () => monitor.recordEviction(),
    // Memory tiers keep entries decoded: a memory hit pays neither zlib's per-call cost nor a parse.
    decode: (bytes) => codec.decode(bytes),
  });
}
