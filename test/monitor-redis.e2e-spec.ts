import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { RedisServer, waitUntil } from './support/redis-harness';
import { clearCacheEnvironment, createDemoApp } from './support/demo-app';

const TEXT = 'Two instances share one Redis. The second one hits what the first one computed.';

/** The operator endpoints with REDIS_URL set: tiers in the metrics, Redis memory, and an outage seen by the monitor. */
describe('operator endpoints on Redis (e2e, real redis-server)', () => {
  const savedEnv = { ...process.env };
  let server: RedisServer;
  const apps: NestExpressApplication[] = [];

  async function instance(): Promise<NestExpressApplication> {
    const app = await createDemoApp();
    await app.init();
    apps.push(app);
    return app;
  }

  const metricValue = (text: string, sample: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
    return line === undefined ? undefined : Number(line.slice(sample.length + 1));
  };

  beforeAll(async () => {
    server = await RedisServer.start();
    clearCacheEnvironment();
    Object.assign(process.env, { REDIS_URL: server.url, CACHE_NAMESPACE: 'monitored', LLM_FAKE_LATENCY_MS: '5' });
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await server?.stop();
    process.env = savedEnv;
  });

  it('labels hits by the tier that answered, and reports Redis keys and memory', async () => {
    const [first, second] = [await instance(), await instance()];
    const body = { text: TEXT, operation: 'key_points' };
    await request(first.getHttpServer()).post('/process').send(body).expect(200); // miss, computed
    await request(second.getHttpServer()).post('/process').send(body).expect(200); // hit from Redis
    await request(second.getHttpServer()).post('/process').send(body).expect(200); // hit from its L1

    const stats = (await request(second.getHttpServer()).get('/cache/stats').expect(200)).body;
    expect(stats).toMatchObject({ driver: 'redis', redis: { status: 'connected', keys: 1 } });
    expect(stats.performance.memoryUsage.current).toMatchObject({ cacheEntryCount: 1, memoryCacheEntryCount: 1 });
    expect(stats.performance.memoryUsage.current.redisMemoryBytes).toBeGreaterThan(0);

    const metrics = (await request(second.getHttpServer()).get('/metrics').expect(200)).text;
    expect(metricValue(metrics, 'ai_cache_hits_total{cache="monitored",operation="key_points",tier="redis"}')).toBe(1);
    expect(metricValue(metrics, 'ai_cache_hits_total{cache="monitored",operation="key_points",tier="memory"}')).toBe(1);
    expect(metricValue(metrics, 'ai_cache_misses_total{cache="monitored",operation="key_points",tier="redis"}')).toBe(0);
    expect(metricValue(metrics, 'ai_cache_redis_keys{cache="monitored"}')).toBe(1);
    expect(metricValue(metrics, 'ai_cache_redis_used_memory_bytes{cache="monitored"}')).toBeGreaterThan(0);
    expect(metricValue(metrics, 'ai_cache_degraded{cache="monitored"}')).toBe(0);
    // The first instance computed; the second one saved that model time.
    expect(metricValue(metrics, 'ai_cache_compute_seconds_saved_total{cache="monitored"}')).toBeGreaterThan(0);
  });

  it('shows an outage: degraded health, gauge and counters, then recovery', async () => {
    const app = await instance();
    const http = () => request(app.getHttpServer());
    await server.kill9();
    for (let i = 0; i < 10; i++) await http().post('/process').send({ text: `${TEXT} ${i % 2}`, operation: 'sentiment' }).expect(200);

    const health = (await http().get('/health').expect(200)).body;
    expect(health).toMatchObject({ status: 'degraded', redis: { connected: false } });
    const snapshot = (await http().get('/cache/snapshot').expect(200)).body;
    expect(snapshot.degraded).toBe(true);
    expect(snapshot.counters.redisErrors + snapshot.counters.degradedOperations).toBeGreaterThan(0);
    const metrics = (await http().get('/metrics')).text;
    expect(metricValue(metrics, 'ai_cache_degraded{cache="monitored"}')).toBe(1);
    expect(metricValue(metrics, 'ai_cache_errors_total{cache="monitored",source="redis"}')).toBe(snapshot.counters.redisErrors);
    // Served from memory meanwhile: 2 misses, 8 hits.
    expect(metricValue(metrics, 'ai_cache_hits_total{cache="monitored",operation="sentiment",tier="memory"}')).toBe(8);

    await server.restart();
    expect(await waitUntil(async () => (await http().get('/health')).body.status === 'up', { attempts: 300, intervalMs: 50 })).toBe(true);
  });
});
