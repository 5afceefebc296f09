import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { register as promRegister } from 'prom-client';
import request from 'supertest';
import { CacheMonitorService } from '@app/ai-cache';
import { clearCacheEnvironment, createDemoApp } from './support/demo-app';

const API_KEY = 'test-admin-key-0123456789';
const TEXT = 'Monitoring tells operators what the cache saves. A hit skips the model. Misses cost a call.';

/** The demo app with the operator endpoints, on the memory driver and the fake model. */
async function startApp(env: Record<string, string>): Promise<NestExpressApplication> {
  clearCacheEnvironment();
  Object.assign(process.env, { LLM_FAKE_LATENCY_MS: '5', ...env });
  const app = await createDemoApp();
  await app.init();
  return app;
}

const sampleLines = (text: string, prefix: string) => text.split('\n').filter((line) => line.startsWith(prefix));

describe('operator endpoints of the demo app (e2e, memory driver)', () => {
  const savedEnv = { ...process.env };
  let app: NestExpressApplication;
  const http$ = () => request(app.getHttpServer());
  // The admin key is set, so the read-only endpoints want it too (operator-auth.e2e-spec.ts covers their refusals).
  const get$ = (path: string) => http$().get(path).set('x-api-key', API_KEY);
  const process$ = (body: object) => http$().post('/process').send(body).expect(200);

  beforeAll(async () => {
    app = await startApp({ CACHE_ADMIN_API_KEY: API_KEY });
    // Two misses, three hits (two summarize, one sentiment).
    await process$({ text: TEXT, operation: 'summarize' });
    await process$({ text: TEXT, operation: 'summarize' });
    await process$({ text: TEXT, operation: 'summarize' });
    await process$({ text: TEXT, operation: 'sentiment' });
    await process$({ text: TEXT, operation: 'sentiment' });
  });

  afterAll(async () => {
    await app?.close();
    process.env = savedEnv;
  });

  describe('GET /metrics', () => {
    it('serves the Prometheus text format with hits and misses by operation and tier', async () => {
      const response = await get$('/metrics').expect(200);
      // Express reorders the parameters; what matters is the media type and the format version.
      const [mediaType, ...parameters] = response.headers['content-type'].split(/;\s*/);
      expect(mediaType).toBe('text/plain');
      expect(parameters.sort()).toEqual(['charset=utf-8', 'version=0.0.4']);
      expect(response.text).toContain('# TYPE ai_cache_hits_total counter\n');
      expect(response.text).toContain('ai_cache_hits_total{cache="ai_cache",operation="summarize",tier="memory"} 2\n');
      expect(response.text).toContain('ai_cache_hits_total{cache="ai_cache",operation="sentiment",tier="memory"} 1\n');
      expect(response.text).toContain('ai_cache_misses_total{cache="ai_cache",operation="summarize",tier="memory"} 1\n');
      expect(response.text).toContain('ai_cache_computations_total{cache="ai_cache"} 2\n');
      expect(response.text).toMatch(/^ai_cache_hit_ratio\{cache="ai_cache"\} 0\.6\n/m);
      expect(response.text).toMatch(/^ai_cache_operation_latency_seconds\{cache="ai_cache",kind="get",operation="summarize",tier="memory",quantile="0\.99"\} \d/m);
    });

    it("shows the same cache metrics in the app's prom-client registry (registered at bootstrap)", async () => {
      const ours = (await get$('/metrics')).text;
      const registry = await promRegister.metrics();
      for (const name of ['ai_cache_hits_total', 'ai_cache_misses_total', 'ai_cache_operation_duration_seconds_bucket', 'ai_cache_operation_duration_seconds_count', 'ai_cache_hit_ratio']) {
        expect(sampleLines(registry, `${name}{`).concat(sampleLines(registry, `${name} `))).toEqual(
          sampleLines(ours, `${name}{`).concat(sampleLines(ours, `${name} `)),
        );
      }
      // Scraping twice does not count twice.
      expect(sampleLines(await promRegister.metrics(), 'ai_cache_hits_total{')).toEqual(sampleLines(registry, 'ai_cache_hits_total{'));
    });
  });

  describe('GET /cache/stats', () => {
    it('returns the store stats, the seed performance stats, a fresh memory reading and the advice lists', async () => {
      const { body } = await get$('/cache/stats').expect(200);
      expect(body).toMatchObject({
        driver: 'memory',
        redis: { status: 'disabled' },
        memory: { entries: 2, maxEntries: 1000, bytes: expect.any(Number) },
        performance: {
          cacheHits: 3,
          cacheMisses: 2,
          cacheHitRate: 60,
          totalCacheOperations: 5,
          byOperation: { summarize: { hits: 2, misses: 1 }, sentiment: { hits: 1, misses: 1 } },
          memoryUsage: { current: { memoryCacheEntryCount: 2, memoryCacheSizeBytes: body.memory.bytes } },
        },
        memoryWarnings: [],
        invalidationRecommendations: [],
      });
      expect(body.memory.bytes).toBeGreaterThan(0);
      expect(body.performance.timeSavedMs).toBeGreaterThan(0);
    });
  });

  describe('GET /cache/snapshot and the SSE stream', () => {
    it('agrees with the stats', async () => {
      const { body } = await get$('/cache/snapshot').expect(200);
      expect(body).toMatchObject({ hitRatio: 60, hits: 3, misses: 2, lookupLatencyMs: { count: 5 }, memory: { memoryCacheEntries: 2 }, degraded: false });
    });

    it('streams snapshots as Server-Sent Events and stops when the client leaves', async () => {
      const server = app.getHttpServer() as http.Server;
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const snapshot = jest.spyOn(app.get(CacheMonitorService), 'snapshot');

      const events = await new Promise<unknown[]>((resolve, reject) => {
        const received: unknown[] = [];
        const req = http.get({ host: '127.0.0.1', port, path: '/cache/snapshots?intervalMs=250', headers: { 'x-api-key': API_KEY } }, (res) => {
          expect(res.headers['content-type']).toContain('text/event-stream');
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
              const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
              buffer = buffer.slice(end + 2);
              if (data) received.push(JSON.parse(data.slice(6)));
              if (received.length === 2) {
                req.destroy();
                resolve(received);
              }
            }
          });
        });
        req.on('error', (error) => (received.length < 2 ? reject(error) : undefined));
      });
      expect(events).toEqual([expect.objectContaining({ hits: 3, misses: 2 }), expect.objectContaining({ hits: 3, misses: 2 })]);

      await new Promise((resolve) => setTimeout(resolve, 100)); // let the server see the disconnect
      const calls = snapshot.mock.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(snapshot.mock.calls.length).toBe(calls);
      snapshot.mockRestore();
    });
  });

  describe('GET /cache/dashboard', () => {
    it('is a self-contained page whose CSP allows exactly its own inline script and style', async () => {
      const response = await get$('/cache/dashboard').expect(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      const html = response.text;
      // Nothing from elsewhere: no src/href but the empty inline icon, no URL but the SVG namespace.
      expect(html.match(/\s(src|href)=("[^"]*"|'[^']*'|\S+)/gi)).toEqual([' href="data:,"']);
      expect(html.match(/https?:\/\/[^'"\s]+/g)).toEqual(['http://www.w3.org/2000/svg']);
      const csp = response.headers['content-security-policy'];
      const hashOf = (tag: string) => {
        const content = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)?.[1] ?? '';
        return `'sha256-${createHash('sha256').update(content).digest('base64')}'`;
      };
      expect(csp).toContain(`script-src ${hashOf('script')}`);
      expect(csp).toContain(`style-src ${hashOf('style')}`);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
    });
  });

  describe('POST /cache/invalidate', () => {
    const invalidate = (body: object, key?: string) => {
      const call = http$().post('/cache/invalidate').send(body);
      return key === undefined ? call : call.set('x-api-key', key);
    };

    it('answers 401 without the key or with a wrong one, and removes nothing', async () => {
      const missing = await invalidate({ operation: 'summarize' }).expect(401);
      expect(missing.headers['www-authenticate']).toBe('ApiKey header="x-api-key"');
      expect(missing.body.message).toBe('Missing x-api-key header');
      expect((await invalidate({ operation: 'summarize' }, 'wrong').expect(401)).body.message).toBe('Invalid API key');
      await invalidate({ operation: 'summarize' }, `${API_KEY}x`).expect(401);
      expect((await get$('/cache/stats')).body.memory.entries).toBe(2);
    });

    it('rejects a malformed body with 400 and says why', async () => {
      const messageOf = async (body: object) => (await invalidate(body, API_KEY).expect(400)).body.message;
      expect(await messageOf({})).toBe('`operation` or `pattern` is required');
      expect(await messageOf({ operation: 'qa', pattern: 'qa' })).toBe('Give either `operation` or `pattern`, not both');
      expect(await messageOf({ operation: 42 })).toBe('`operation` must be a non-empty string');
      expect(await messageOf({ pattern: '' })).toBe('`pattern` must be a non-empty string');
      expect(await messageOf({ operation: 'bad op!' })).toContain('Invalid AI operation');
    });

    it('invalidates one operation with the key: its entries only, counted by the monitor', async () => {
      const { body } = await invalidate({ operation: 'summarize' }, API_KEY).expect(200);
      expect(body).toEqual({ invalidated: 1, operation: 'summarize' });
      expect((await http$().post('/process').send({ text: TEXT, operation: 'summarize' })).headers['x-cache']).toBe('MISS');
      expect((await http$().post('/process').send({ text: TEXT, operation: 'sentiment' })).headers['x-cache']).toBe('HIT');

      const stats = (await get$('/cache/stats')).body;
      expect(stats.performance.invalidation).toMatchObject({ totalInvalidations: 1, totalKeysInvalidated: 1, patterns: { mostCommonPatterns: { summarize: 1 } } });
      expect(stats.invalidationRecommendations).toEqual([expect.objectContaining({ issue: 'Dominant invalidation pattern' })]);
      expect((await get$('/metrics')).text).toContain('ai_cache_invalidations_total{cache="ai_cache",type="operation"} 1\n');
    });

    it('invalidates by pattern with the key', async () => {
      const { body } = await invalidate({ pattern: 'sentiment', context: 'e2e' }, API_KEY).expect(200);
      expect(body).toEqual({ invalidated: 1, pattern: 'sentiment' });
      expect((await http$().post('/process').send({ text: TEXT, operation: 'sentiment' })).headers['x-cache']).toBe('MISS');
    });
  });

  describe('when CACHE_ADMIN_API_KEY is not set', () => {
    let disabled: NestExpressApplication;

    beforeAll(async () => {
      disabled = await startApp({});
    });

    afterAll(async () => {
      await disabled?.close();
    });

    it('disables invalidation (403 with the reason) whatever key is sent, and keeps the read-only endpoints', async () => {
      for (const key of [undefined, '', 'anything']) {
        const call = request(disabled.getHttpServer()).post('/cache/invalidate').send({ operation: 'summarize' });
        const response = await (key === undefined ? call : call.set('x-api-key', key)).expect(403);
        expect(response.body.message).toBe('Cache administration is disabled: set CACHE_ADMIN_API_KEY to enable it');
      }
      await request(disabled.getHttpServer()).get('/metrics').expect(200);
      await request(disabled.getHttpServer()).get('/cache/stats').expect(200);
    });
  });
});
