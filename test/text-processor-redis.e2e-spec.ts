import type { NestExpressApplication } from '@nestjs/platform-express';
import Redis from 'ioredis';
import request from 'supertest';
import { RedisServer } from './support/redis-harness';
import { clearCacheEnvironment, createDemoApp } from './support/demo-app';

/** The demo as it runs with REDIS_URL set: two instances sharing one (real) Redis. */
describe('text-processor demo app on Redis (REDIS_URL set)', () => {
  let server: RedisServer;
  let raw: Redis;
  const apps: NestExpressApplication[] = [];
  const savedEnv = { ...process.env };

  async function instance(): Promise<NestExpressApplication> {
    const app = await createDemoApp();
    await app.init();
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    server = await RedisServer.start();
    raw = new Redis(server.port, server.host);
    clearCacheEnvironment();
    process.env.REDIS_URL = server.url;
    process.env.CACHE_NAMESPACE = 'demo';
    process.env.LLM_FAKE_LATENCY_MS = '20';
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    raw.disconnect();
    await server.stop();
    process.env = savedEnv;
  });

  it('caches in Redis, so a second instance answers from the first one’s entry', async () => {
    const [first, second] = [await instance(), await instance()];
    const body = { text: 'Redis lets every instance share one cache. Misses cost a model call.', operation: 'sentiment' };

    const miss = await request(first.getHttpServer()).post('/process').send(body).expect(200);
    expect(miss.headers['x-cache']).toBe('MISS');
    const [, keys] = await raw.scan('0', 'MATCH', 'demo:ai:sentiment:*', 'COUNT', 1000);
    expect(keys).toHaveLength(1);
    expect(await raw.pttl(keys[0])).toBeGreaterThan(86_000_000); // sentiment's 24 h TTL

    const hit = await request(second.getHttpServer()).post('/process').send(body).expect(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body.result).toEqual(miss.body.result);

    const health = await request(second.getHttpServer()).get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'up', driver: 'redis', redis: { connected: true } });
  });
});
