export * from './ai-request.interface';
export * from './cache-stats.interface';
export * from './cache-module-options.interface';
export type { CacheEntry } from './cache-entry.interface';
export type { RedisClientLike } from './redis-client.interface';
