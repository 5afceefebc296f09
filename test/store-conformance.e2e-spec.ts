import type { LoggerService } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { resolveCacheOptions } from '@app/ai-cache/cache-options.resolver';
import { createTieredRedisStore } from '@app/ai-cache/stores/tiered-redis-store.factory';
import { describeCacheStoreConformance, testStoreContext } from '@app/ai-cache/testing';
import { PostgresCacheStore } from './support/postgres-cache.store';
import { postgresPool } from './support/postgres';
import { type RedisServer, startRedis, stopAllRedisServers } from './support/redis-harness';

/**
 * One contract, three stores: the redis driver's TieredStore (L1 on and off) on a real
 * redis-server, and a store of a user's own over PostgreSQL (the README's). The memory driver's
 * runs in the unit project (libs/ai-cache/src/testing/cache-store.conformance.spec.ts).
 */
let redis: RedisServer;
let raw: Redis;
let pool: Pool;
const TABLE = `ai_cache_conformance_${process.pid}`;

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
  pool = await postgresPool();
});

afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await pool.end();
  raw.disconnect();
  await stopAllRedisServers();
});

const silent: LoggerService = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** The redis driver's store, made by the factory CacheModule uses. */
function tieredStore(namespace: string, memoryCacheSize: number) {
  const options = resolveCacheOptions({ namespace, memoryCacheSize, redis: { url: redis.url, commandTimeoutMs: 500 } });
  return createTieredRedisStore(options, {}, silent);
}

const corruptRedis = async (namespace: string, key: string) => {
  await raw.set(`${namespace}:${key}`, 'not an entry of ours');
};

describeCacheStoreConformance('TieredStore, L1 on (redis driver)', ({ namespace }) => tieredStore(namespace, 10), { corrupt: corruptRedis });
describeCacheStoreConformance('TieredStore, L1 off (redis driver)', ({ namespace }) => tieredStore(namespace, 0), { corrupt: corruptRedis });

describeCacheStoreConformance('PostgresCacheStore (a store of your own)', ({ namespace }) => new PostgresCacheStore(pool, testStoreContext(namespace).context, TABLE), {
  corrupt: async (namespace, key) => {
    await pool.query(`INSERT INTO ${TABLE} VALUES ($1, $2, $3, $4, $4)`, [namespace, key, Buffer.from('not an entry of ours'), Date.now() + 60_000]);
  },
});
