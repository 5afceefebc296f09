import type { LoggerService } from '@nestjs/common';
import { CacheEntryCodec } from '../codec/cache-entry.codec';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import type { CacheMonitorService } from '../monitor/cache-monitor.service';
import type { CacheStore } from './cache-store.interface';
import { createRedisClient } from './redis-client.factory';
import { quitClient, RedisStore, type RedisStoreOptions, type StoreLogger } from './redis.store';
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
  if (options.redis.tls?.rejectUnauthorized === false) {
    logger.warn('redis.tls.rejectUnauthorized is false: the Redis server certificate is not verified, so a man in the middle can read and change cached data');
  }
  const storeOptions = {
    namespace: options.namespace,
    url: options.redis.url,
    cluster: options.redis.cluster,
    client: options.redis.client,
    connectTimeoutMs: options.redis.connectTimeoutMs,
    commandTimeoutMs: options.redis.commandTimeoutMs,
    logger: storeLogger,
  };
  const redis = options.redis.tls && !options.redis.client
    ? new TlsClientRedisStore({ ...storeOptions, client: createRedisClient({ ...options.redis, tls: options.redis.tls }) }, storeLogger)
    : new RedisStore(storeOptions);
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

/**
 * INTERIM, until RedisStore builds its own client with `createRedisClient` (which carries `redis.tls`):
 * the store is handed our TLS client as if it were a user's, so this subclass does for it what the
 * store does for the clients it owns: listen for errors (ioredis prints unhandled ones) and quit it on close.
 */
class TlsClientRedisStore extends RedisStore {
  private reportedError = false;

  constructor(options: RedisStoreOptions & { client: NonNullable<RedisStoreOptions['client']> }, logger: StoreLogger) {
    super(options);
    this.client.on('error', (error: Error) => {
      if (this.reportedError) return;
      this.reportedError = true;
      logger.debug?.(`Redis connection error: ${error.message}; reconnecting in the background`);
    });
    this.client.on('ready', () => (this.reportedError = false));
  }

  override async close(): Promise<void> {
    await super.close();
    await quitClient(this.client);
  }
}
