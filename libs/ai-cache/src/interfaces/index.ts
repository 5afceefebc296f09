export * from './ai-request.interface';
export * from './cache-stats.interface';
export * from './cache-module-options.interface';
export * from './resolved-cache-options.interface';
export type { RedisClientLike } from './redis-client.interface';
