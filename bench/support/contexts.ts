/**
 * The contenders, built the way their users build them: this library through its Nest module; the
 * peers through @nestjs/cache-manager's CacheModule.register (the CACHE_MANAGER Nest users inject),
 * cache-manager's createCache with cacheable's LRU store, and plain ioredis / lru-cache.
 */
import { CACHE_MANAGER, CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createKeyv as createRedisKeyv } from '@keyv/redis';
import { createCache, type Cache } from 'cache-manager';
import { createKeyv as createLruKeyv } from 'cacheable';
import 'reflect-metadata';
import {
  AIResponseCacheService,
  CacheModule,
  CacheMonitorService,
  type CacheModuleOptions,
} from '../../libs/ai-cache/src';

export interface OurCache {
  app: INestApplicationContext;
  cache: AIResponseCacheService;
  monitor: CacheMonitorService;
}

/** This library, as `CacheModule.forRoot(options)` in an app; `extra` adds modules/providers (the decorator scenario). */
export async function createOurCache(options: CacheModuleOptions, extra: { providers?: unknown[] } = {}): Promise<OurCache> {
  class BenchAppModule {}
  const app = await NestFactory.createApplicationContext(
    { module: BenchAppModule, imports: [CacheModule.forRoot(options)], providers: (extra.providers ?? []) as never[] },
    { logger: false },
  );
  await app.init();
  return { app, cache: app.get(AIResponseCacheService), monitor: app.get(CacheMonitorService) };
}

export interface NestCacheManager {
  app: INestApplicationContext;
  cache: Cache;
}

/** Nest's CACHE_MANAGER: `CacheModule.register()` (in-memory Keyv) or with `stores` (e.g. `@keyv/redis`). */
export async function createNestCacheManager(options: Parameters<typeof NestCacheModule.register>[0] = {}): Promise<NestCacheManager> {
  const app = await NestFactory.createApplicationContext(NestCacheModule.register(options), { logger: false });
  await app.init();
  return { app, cache: app.get<Cache>(CACHE_MANAGER) };
}

/** Nest's CACHE_MANAGER on Redis, as the Nest docs set it up: a `@keyv/redis` store. */
export function createNestRedisCacheManager(redisUrl: string): Promise<NestCacheManager> {
  return createNestCacheManager({ stores: [createRedisKeyv(redisUrl)] });
}

/** cache-manager 7 with cacheable's LRU memory store (it clones values in and out: safe copies). */
export function createCacheableLruCache(lruSize: number, ttlMs: number): Cache {
  return createCache({ stores: [createLruKeyv({ ttl: ttlMs, lruSize })] });
}
