import type { Cluster, Redis } from 'ioredis';

/**
 * Inside this package, `redis.client` is ioredis' own `Redis | Cluster` (see RedisClientOption).
 * Only code that already depends on ioredis (the redis driver, whose factory imports this file)
 * brings it into a compilation; the public declarations never do.
 */
declare module './redis-client.interface' {
  interface RedisClientTypes {
    client: Redis | Cluster;
  }
}

export {};
