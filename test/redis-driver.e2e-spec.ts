import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { AIResponseCacheService, CacheModule, type CacheModuleOptions, CacheMonitorService } from '@app/ai-cache';
import { RedisServer, findFreePort, waitUntil } from './support/redis-harness';

const summarize = { text: 'Redis keeps the cache across restarts and instances.', operation: 'summarize', options: { model: 'm' } };
const ENVELOPE_MAGIC = Buffer.from([0xa1, 0x41, 0x49, 0x43]);

async function bootApp(options: CacheModuleOptions): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [CacheModule.forRoot(options)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('Redis driver through CacheModule (real redis-server)', () => {
  let server: RedisServer;
  let raw: Redis;
  const apps: INestApplication[] = [];

  async function app(options: CacheModuleOptions = {}) {
    const created = await bootApp({ redis: { url: server.url, commandTimeoutMs: 200, connectTimeoutMs: 1000 }, ...options });
    apps.push(created);
    return { app: created, cache: created.get(AIResponseCacheService), monitor: created.get(CacheMonitorService) };
  }

  beforeAll(async () => {
    server = await RedisServer.start({ appendOnly: true });
    raw = new Redis(server.port, server.host, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await raw.connect();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    if (!server.isRunning) await server.restart();
    if (raw.status !== 'ready') expect(await waitUntil(() => raw.status === 'ready', { attempts: 100, intervalMs: 50 })).toBe(true);
    await raw.flushall(); // the test's own client, on the test's own server: never the library
    await raw.config('RESETSTAT');
  });

  afterAll(async () => {
    raw.disconnect();
    await server.stop();
  });

  it('picks the redis driver from the url, connected by the end of init', async () => {
    const { cache, monitor } = await app();
    expect(await monitor.getHealth()).toMatchObject({ status: 'up', driver: 'redis', redis: { connected: true } });
    await cache.set('user:1', 'x');
    await cache.cacheResponse(summarize, 'y');
    const stats = await cache.getCacheStats();
    expect(stats.driver).toBe('redis');
    expect(stats.redis).toMatchObject({ status: 'connected', keys: 2 });
    expect(stats.redis.memoryUsedBytes).toBeGreaterThan(0);
    expect(stats.memory).toMatchObject({ entries: 2, maxEntries: 100 });
  });

  it('stores under namespace:key, serves L1 first and Redis to a second instance', async () => {
    const a = await app();
    const b = await app();
    await a.cache.cacheResponse(summarize, { summary: 'shared' });
    const key = a.cache.buildKey(summarize);
    expect(await raw.exists(`ai_cache:${key}`)).toBe(1);
    expect(await raw.pttl(`ai_cache:${key}`)).toBeGreaterThan(7_100_000);

    expect(await a.cache.getCachedResponse(summarize)).toMatchObject({ response: { summary: 'shared' }, tier: 'memory' });
    expect(await b.cache.getCachedResponse(summarize)).toMatchObject({ response: { summary: 'shared' }, tier: 'redis' });
    expect(await b.cache.getCachedResponse(summarize)).toMatchObject({ tier: 'memory' });

    await a.cache.set('user:1', { name: 'Ada' }, '1m');
    expect(await raw.exists('ai_cache:user:1')).toBe(1);
    expect(await b.cache.get('user:1')).toEqual({ name: 'Ada' });
    expect(await b.cache.getTtl('user:1')).toBeLessThanOrEqual(60);
  });

  it('stores large responses compressed, as binary, and the same bytes decode in both tiers', async () => {
    const { cache } = await app({ compressionThreshold: 200 });
    const response = { summary: 'Caching saves money and time. '.repeat(200) };
    await cache.cacheResponse(summarize, response);
    const bytes = await raw.getBuffer(`ai_cache:${cache.buildKey(summarize)}`);
    expect(bytes!.subarray(0, 4)).toEqual(ENVELOPE_MAGIC);
    expect(bytes!.length).toBeLessThan(JSON.stringify(response).length / 5);
    const other = await app({ compressionThreshold: 200 });
    expect(await other.cache.getCachedResponse(summarize)).toMatchObject({ response, compressed: true, tier: 'redis' });
    // L1 keeps the entry decoded (an in-process hit pays neither zlib nor a parse), and says how Redis stores it.
    expect(await other.cache.getCachedResponse(summarize)).toMatchObject({ response, compressed: true, tier: 'memory' });
    expect((await raw.getBuffer(`ai_cache:${cache.buildKey(summarize)}`))!.equals(bytes!)).toBe(true);
  });

  it('treats a corrupted or foreign value under our key as a miss, removes it and counts it', async () => {
    const { cache, monitor } = await app({ memoryCacheSize: 0 });
    const key = `ai_cache:${cache.buildKey(summarize)}`;
    await raw.set(key, Buffer.concat([ENVELOPE_MAGIC, Buffer.from([1, 0]), Buffer.from('{"t":1,"v":')]));
    expect(await cache.getCachedResponse(summarize)).toBeUndefined();
    expect(await raw.exists(key)).toBe(0);

    await raw.set('ai_cache:user:1', '{"name":"not our envelope"}');
    expect(await cache.get('user:1')).toBeUndefined();
    await raw.set('ai_cache:user:2', Buffer.from('80049505000000000000008c08706f736978', 'hex')); // pickle-looking bytes
    expect(await cache.get('user:2')).toBeUndefined();
    await raw.hset('ai_cache:user:3', 'field', 'value'); // WRONGTYPE for GET
    expect(await cache.get('user:3')).toBeUndefined();

    const counters = monitor.getPerformanceStats().counters;
    expect(counters.corruptedEntries).toBeGreaterThanOrEqual(3);
  });

  it('reads a hostile envelope nested too deep to copy as a miss (L1 on), removes it and counts it', async () => {
    const { cache, monitor } = await app();
    const depth = 100_000;
    await raw.set('ai_cache:deep', Buffer.concat([ENVELOPE_MAGIC, Buffer.from([1, 0]), Buffer.from(`{"t":1,"v":${'['.repeat(depth)}${']'.repeat(depth)}}`)]));
    await expect(cache.get('deep')).resolves.toBeUndefined();
    expect(await raw.exists('ai_cache:deep')).toBe(0);
    expect(monitor.getPerformanceStats().counters.corruptedEntries).toBe(1);
  });

  it('invalidates exactly, in every tier and on every instance, and never another namespace', async () => {
    const a = await app();
    const b = await app();
    const other = await app({ namespace: 'other_ns' });
    await raw.set('unrelated:key', 'keep');
    for (const cache of [a.cache, other.cache]) {
      await cache.cacheResponse({ text: 'x', operation: 'summarize' }, 1);
      await cache.cacheResponse({ text: 'y', operation: 'summarize' }, 2);
      await cache.cacheResponse({ text: 'x', operation: 'summarize_v2' }, 3);
    }
    // Warm b's L1 so that coherence (not just Redis) is what the assertion checks.
    expect(await b.cache.getCachedResponse({ text: 'x', operation: 'summarize' })).toMatchObject({ tier: 'redis' });
    expect(await b.cache.getCachedResponse({ text: 'x', operation: 'summarize' })).toMatchObject({ tier: 'memory' });

    expect(await a.cache.invalidateByOperation('summarize', 'model_update')).toBe(2);
    expect(await waitUntil(async () => (await b.cache.getCachedResponse({ text: 'x', operation: 'summarize' })) === undefined, { attempts: 10, intervalMs: 10 })).toBe(true);
    expect(await a.cache.getCachedResponse({ text: 'x', operation: 'summarize_v2' })).toBeDefined();
    expect(await other.cache.getCachedResponse({ text: 'x', operation: 'summarize' })).toBeDefined();

    expect(await a.cache.invalidateAll()).toBe(1);
    expect(await other.cache.invalidatePattern('summarize')).toBe(3);
    expect(await raw.get('unrelated:key')).toBe('keep');

    const stats = await server.info('commandstats');
    expect(Object.keys(stats).filter((k) => /cmdstat_(keys|flushdb|flushall)$/.test(k))).toEqual([]);
  });

  it('an overwrite on one instance evicts the stale L1 entry of another', async () => {
    const a = await app();
    const b = await app();
    await a.cache.set('config', { v: 1 });
    expect(await b.cache.get('config')).toEqual({ v: 1 });
    await a.cache.set('config', { v: 2 });
    expect(await waitUntil(async () => JSON.stringify(await b.cache.get('config')) === '{"v":2}', { attempts: 10, intervalMs: 10 })).toBe(true);
  });

  it('keeps entries across a Redis restart (AOF on)', async () => {
    const a = await app();
    await a.cache.cacheResponse(summarize, 'persisted');
    await raw.call('BGREWRITEAOF');
    await server.restart();
    expect(await waitUntil(() => raw.status === 'ready', { attempts: 100, intervalMs: 50 })).toBe(true);
    const fresh = await app();
    expect(await fresh.cache.getCachedResponse(summarize)).toMatchObject({ response: 'persisted', tier: 'redis' });
  });

  it('boots degraded when Redis is unreachable, caches in memory, and reports it', async () => {
    const deadPort = await findFreePort();
    const moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot({ redis: { url: `redis://127.0.0.1:${deadPort}`, connectTimeoutMs: 300, commandTimeoutMs: 100 } })],
    }).compile();
    const dead = moduleRef.createNestApplication({ logger: false });
    apps.push(dead);
    await dead.init();
    const cache = dead.get(AIResponseCacheService);
    expect(await dead.get(CacheMonitorService).getHealth()).toMatchObject({ status: 'degraded', driver: 'redis', redis: { connected: false } });
    await cache.cacheResponse(summarize, 'in memory');
    expect(await cache.getCachedResponse(summarize)).toMatchObject({ response: 'in memory', tier: 'memory' });
    expect(await cache.getOrCompute({ ...summarize, text: 'new' }, async () => 'computed')).toBe('computed');
    expect(await cache.getOrCompute({ ...summarize, text: 'new' }, async () => 'again')).toBe('computed');
  });

  it('survives kill -9 mid-run without a throw, then uses Redis again by itself', async () => {
    const { cache, monitor } = await app();
    await cache.cacheResponse(summarize, 'before');
    await server.kill9();

    // Every call resolves (bounded by the command timeout and the breaker) and memory keeps serving.
    const calls = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => cache.getOrCompute({ ...summarize, text: `during ${i % 5}` }, async () => `computed ${i % 5}`)),
    );
    expect(calls.every((c) => c.status === 'fulfilled')).toBe(true);
    expect(await cache.getCachedResponse({ ...summarize, text: 'during 1' })).toMatchObject({ response: 'computed 1', tier: 'memory' });
    expect((await monitor.getHealth()).status).toBe('degraded');
    const during = monitor.getPerformanceStats();
    expect(during.counters.redisErrors).toBeGreaterThan(0);
    expect(during.store!.breaker!.state).not.toBe('closed');

    await server.restart();
    expect(await waitUntil(async () => (await monitor.getHealth()).status === 'up', { attempts: 300, intervalMs: 50 })).toBe(true);
    await cache.cacheResponse({ ...summarize, text: 'after' }, 'back');
    expect(await waitUntil(() => raw.status === 'ready', { attempts: 100, intervalMs: 50 })).toBe(true);
    expect(await raw.exists(`ai_cache:${cache.buildKey({ ...summarize, text: 'after' })}`)).toBe(1);
  });

  it('uses a client the app brings, and leaves it open on close', async () => {
    const own = new Redis(server.port, server.host);
    const created = await bootApp({ redis: { client: own } });
    const cache = created.get(AIResponseCacheService);
    await cache.set('mine', 1);
    expect(await raw.exists('ai_cache:mine')).toBe(1);
    await created.close();
    expect(await own.ping()).toBe('PONG');
    own.disconnect();
  });
});
