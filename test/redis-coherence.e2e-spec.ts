/**
 * The redis driver against the world, through CacheModule: changes made to Redis by other clients,
 * a coherence connection that dies without closing, Redis stalled or killed under load, hostile and
 * oversized values, codec switches. Real redis-server processes on free loopback ports.
 */
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { AIResponseCacheService, CacheModule, type CacheModuleOptions, CacheMonitorService } from '@app/ai-cache';
import { RedisServer, waitUntil } from './support/redis-harness';
import { isInvalidationSubscriber, startTcpProxy, type TcpProxy } from './support/tcp-proxy';

const request = (text: string) => ({ text, operation: 'summarize', options: { model: 'm' } });

async function bootApp(options: CacheModuleOptions): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [CacheModule.forRoot(options)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

/** Connections that subscribed (`sub=1` in CLIENT LIST). */
async function subscribers(client: Redis): Promise<number> {
  const list = (await client.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => / sub=[1-9]/.test(line)).length;
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

describe('redis driver against the world (CacheModule, real redis-server)', () => {
  let server: RedisServer;
  let raw: Redis;
  const apps: INestApplication[] = [];

  async function instance(options: CacheModuleOptions = {}, url = server.url) {
    const created = await bootApp({ redis: { url, commandTimeoutMs: 200, connectTimeoutMs: 2000 }, ...options });
    apps.push(created);
    return { app: created, cache: created.get(AIResponseCacheService), monitor: created.get(CacheMonitorService) };
  }

  beforeAll(async () => {
    server = await RedisServer.start();
    raw = new Redis(server.port, server.host, { maxRetriesPerRequest: 1 });
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    if (!server.isRunning) await server.restart();
    expect(await waitUntil(() => raw.status === 'ready', { attempts: 100, intervalMs: 50 })).toBe(true);
    await raw.flushall(); // the test's own client on the test's own server: never the library
  });

  afterAll(async () => {
    raw.disconnect();
    await server.stop();
  });

  it('stops serving an L1 copy within 1 s of a redis-cli DEL, SET or FLUSHALL, on every instance', async () => {
    const [a, b] = [await instance(), await instance()];
    const key = (text: string) => `ai_cache:${a.cache.buildKey(request(text))}`;
    const hitFromL1 = async (cache: AIResponseCacheService, text: string) => (await cache.getCachedResponse(request(text)))?.tier === 'memory';
    const heardByB = () => (b.monitor.getPerformanceStats().store as { coherence?: { invalidations: number } } | undefined)?.coherence?.invalidations ?? 0;
    for (const [i, text] of ['deleted', 'overwritten', 'flushed'].entries()) {
      await a.cache.cacheResponse(request(text), `answer ${text}`);
      expect(await waitUntil(() => heardByB() >= i + 1)).toBe(true); // B hears of A's write before it reads
      await b.cache.getCachedResponse(request(text));
      expect(await hitFromL1(a.cache, text)).toBe(true);
      expect(await hitFromL1(b.cache, text)).toBe(true);
    }
    const withinOneSecond = (condition: () => Promise<boolean>) => waitUntil(condition, { attempts: 100, intervalMs: 10 });
    const gone = (text: string) => async () =>
      (await a.cache.getCachedResponse(request(text))) === undefined && (await b.cache.getCachedResponse(request(text))) === undefined;

    await raw.del(key('deleted'));
    expect(await withinOneSecond(gone('deleted'))).toBe(true);
    await raw.set(key('overwritten'), 'not ours');
    expect(await withinOneSecond(gone('overwritten'))).toBe(true);
    await raw.flushall();
    expect(await withinOneSecond(gone('flushed'))).toBe(true);
  });

  it('says degraded while its coherence connection is black-holed, bounds L1 copies by memoryCacheMaxAge, and recovers', async () => {
    const proxy: TcpProxy = await startTcpProxy({ host: server.host, port: server.port });
    try {
      const viaProxy = await instance({ memoryCacheMaxAge: '2s' }, `redis://127.0.0.1:${proxy.port}`);
      const writer = await instance();
      await writer.cache.cacheResponse(request('k'), 'v1');
      // Redis's report of the write may reach viaProxy after its read: wait for it, so the copy stays.
      const heard = () => (viaProxy.monitor.getPerformanceStats().store as { coherence?: { invalidations: number } } | undefined)?.coherence?.invalidations ?? 0;
      expect(await waitUntil(() => heard() >= 1)).toBe(true);
      await viaProxy.cache.getCachedResponse(request('k'));
      expect((await viaProxy.cache.getCachedResponse(request('k')))?.tier).toBe('memory');

      expect(proxy.blackhole(isInvalidationSubscriber)).toBe(1);
      await writer.cache.cacheResponse(request('k'), 'v2');
      expect(await waitUntil(async () => (await viaProxy.monitor.getHealth()).status === 'degraded', { attempts: 60, intervalMs: 50 })).toBe(true);
      const health = await viaProxy.monitor.getHealth();
      expect(health.alerts.map((alert) => alert.message).join(' ')).toMatch(/coherence/);
      // Never older than memoryCacheMaxAge (2 s) after it was read from Redis.
      expect(await waitUntil(async () => (await viaProxy.cache.getCachedResponse(request('k')))?.response === 'v2', { attempts: 60, intervalMs: 50 })).toBe(true);
      expect(await waitUntil(async () => (await viaProxy.monitor.getHealth()).status === 'up', { attempts: 100, intervalMs: 50 })).toBe(true);
    } finally {
      await Promise.all(apps.splice(0).map((a) => a.close()));
      await proxy.close();
    }
  });

  it('opens no coherence connection when L1 is off (memoryCacheSize: 0)', async () => {
    const before = await subscribers(raw);
    const { cache } = await instance({ memoryCacheSize: 0 });
    await cache.cacheResponse(request('x'), 'y');
    expect((await cache.getCachedResponse(request('x')))?.tier).toBe('redis');
    expect(await subscribers(raw)).toBe(before);
  });

  it('under kill -9 at 64 concurrent callers: no throw, p99 per call within 50 ms, Redis in use again within 2 s of restart', async () => {
    const { cache, monitor } = await instance();
    for (let i = 0; i < 8; i++) await cache.cacheResponse(request(`warm ${i}`), `w${i}`);
    await server.kill9();

    const latencies: number[] = [];
    let thrown = 0;
    const caller = async (worker: number) => {
      for (let round = 0; round < 10; round++) {
        const started = performance.now();
        try {
          await cache.getOrCompute(request(`during ${(worker + round) % 16}`), async () => `computed ${worker}`);
        } catch {
          thrown++;
        }
        latencies.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: 64 }, (_, worker) => caller(worker)));
    expect(thrown).toBe(0);
    expect(percentile(latencies, 99)).toBeLessThan(50);
    expect((await monitor.getHealth()).status).toBe('degraded');

    await server.restart();
    const restarted = performance.now();
    expect(await waitUntil(async () => (await monitor.getHealth()).status === 'up', { attempts: 200, intervalMs: 10 })).toBe(true);
    expect(performance.now() - restarted).toBeLessThan(2_000);
    await cache.cacheResponse(request('after'), 'back');
    expect(await raw.exists(`ai_cache:${cache.buildKey(request('after'))}`)).toBe(1);
    expect((await cache.getCachedResponse(request('after')))?.response).toBe('back');
  });

  it('answers a miss during a Redis stall after at most one command timeout, and finishes the write in the background', async () => {
    const { cache } = await instance({ redis: { url: server.url, commandTimeoutMs: 150, connectTimeoutMs: 1000 } });
    server.pause();
    try {
      const started = performance.now();
      expect(await cache.getOrCompute(request('stalled'), async () => 'computed')).toBe('computed');
      // The lookup's timeout (150 ms, checked every tenth of it), not a second one for the write.
      expect(performance.now() - started).toBeLessThan(150 * 1.1 + 100);
      expect((await cache.getCachedResponse(request('stalled')))?.response).toBe('computed'); // from memory meanwhile
    } finally {
      server.resume();
    }
  });

  it('refuses a compressible 20 MB response before it reaches any tier, and counts it', async () => {
    const [a, b] = [await instance(), await instance()];
    const huge = { summary: 'word '.repeat(4 * 1024 * 1024) };
    expect(await a.cache.getOrCompute(request('huge'), async () => huge)).toBe(huge);
    expect(await a.cache.getCachedResponse(request('huge'))).toBeUndefined();
    expect(await b.cache.getCachedResponse(request('huge'))).toBeUndefined();
    expect(await raw.exists(`ai_cache:${a.cache.buildKey(request('huge'))}`)).toBe(0);
    expect(a.monitor.getPerformanceStats().counters.oversizeSkipped).toBe(1);
  });

  it('reads entries written under another compressionAlgorithm (lz4 → deflate → brotli)', async () => {
    const response = { summary: 'Caching saves money and time. '.repeat(80) };
    const lz4 = await instance({ compressionAlgorithm: 'lz4', memoryCacheSize: 0 });
    await lz4.cache.cacheResponse(request('switch'), response);
    const stored = await raw.getBuffer(`ai_cache:${lz4.cache.buildKey(request('switch'))}`);
    expect(stored![5]).toBe(2); // lz4's codec tag
    for (const compressionAlgorithm of ['deflate', 'brotli'] as const) {
      const reader = await instance({ compressionAlgorithm, memoryCacheSize: 0 });
      expect(await reader.cache.getCachedResponse(request('switch'))).toMatchObject({ response, compressed: true, tier: 'redis' });
    }
  });

  it('fails bootstrap naming compressionAlgorithm when the codec cannot run here', async () => {
    const hasZstd = typeof (require('node:zlib') as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';
    const attempt = bootApp({ redis: { url: server.url }, compressionAlgorithm: 'zstd' });
    if (hasZstd) {
      apps.push(await attempt);
    } else {
      await expect(attempt).rejects.toThrow(/`compressionAlgorithm`.*zstd.*Node\.js >= 22\.15/);
    }
    await expect(bootApp({ compressionAlgorithm: 'snappy' as never })).rejects.toThrow(/`compressionAlgorithm`.*'deflate', 'lz4', 'zstd', 'brotli'/);
  });
});
