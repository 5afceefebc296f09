import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Pool } from 'pg';
import { AIResponseCacheService, CacheModule, CacheMonitorService } from '@app/ai-cache';
import { PostgresCacheStore } from './support/postgres-cache.store';
import { postgresPool } from './support/postgres';

/**
 * A store of the user's own as the README wires it: CacheModule.forRootAsync with a factory that
 * builds a PostgresCacheStore over an injected pool. Everything goes through it: keys, TTLs, single
 * flight, invalidation, stats, health and the monitor.
 */
const TABLE = `ai_cache_custom_${process.pid}`;
const PG_POOL = Symbol('PG_POOL');
let pool: Pool;

@Module({ providers: [{ provide: PG_POOL, useFactory: () => pool }], exports: [PG_POOL] })
class PostgresModule {}

async function boot(namespace: string): Promise<INestApplicationContext> {
  @Module({
    imports: [
      CacheModule.forRootAsync({
        imports: [PostgresModule],
        inject: [PG_POOL],
        useFactory: (pg: Pool) => ({ namespace, store: (context) => new PostgresCacheStore(pg, context, TABLE) }),
      }),
    ],
  })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  await app.init();
  return app;
}

describe('a store of your own (PostgreSQL) in CacheModule', () => {
  let app: INestApplicationContext;
  let cache: AIResponseCacheService;
  let monitor: CacheMonitorService;

  beforeAll(async () => {
    pool = await postgresPool();
    app = await boot('custom_e2e');
    cache = app.get(AIResponseCacheService);
    monitor = app.get(CacheMonitorService);
  });

  afterAll(async () => {
    await app?.close();
    await pool.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await pool.end();
  });

  const request = (text: string) => ({ text, operation: 'summarize', options: { model: 'm' } });

  it('computes once for concurrent identical misses, then answers from PostgreSQL', async () => {
    let computes = 0;
    const compute = async () => {
      computes++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { summary: 'short' };
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.getOrCompute(request('a'), compute)));
    expect(results).toEqual(Array.from({ length: 20 }, () => ({ summary: 'short' })));
    expect(computes).toBe(1);
    expect(await cache.getCachedResponse(request('a'))).toMatchObject({ response: { summary: 'short' }, tier: 'redis', compressed: false });
    const { rows } = await pool.query(`SELECT key FROM ${TABLE} WHERE namespace = 'custom_e2e'`);
    expect(rows.map((row: { key: string }) => row.key)).toEqual([cache.buildKey(request('a'))]);
  });

  it('stores large responses compressed, as the built-in shared tier does, and reads them back', async () => {
    const long = 'A long answer that compresses well. '.repeat(200);
    await cache.cacheResponse(request('long'), long);
    expect(await cache.getCachedResponse(request('long'))).toMatchObject({ response: long, compressed: true });
    expect(monitor.getPerformanceStats().compression).toMatchObject({ totalOperations: 1, totalBytesProcessed: expect.any(Number) });
  });

  it('keeps TTLs, invalidates exactly by operation, and counts', async () => {
    await cache.cacheResponse(request('ttl'), 'v', { ttl: '90s' });
    expect(await cache.getTtl(cache.buildKey(request('ttl')))).toBe(90);
    await cache.cacheResponse({ text: 'q', operation: 'qa' }, 'answer');
    await cache.cacheResponse({ text: 'q', operation: 'summarize_v2' }, 'v2');
    const summarizeEntries = (await pool.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE namespace = 'custom_e2e' AND key LIKE 'ai:summarize:%'`)).rows[0].n as number;
    expect(await cache.invalidateByOperation('summarize')).toBe(summarizeEntries);
    expect(await cache.getCachedResponse({ text: 'q', operation: 'qa' })).toMatchObject({ response: 'answer' });
    expect(await cache.getCachedResponse({ text: 'q', operation: 'summarize_v2' })).toMatchObject({ response: 'v2' });
    expect(monitor.getInvalidationFrequencyStats()).toMatchObject({ totalInvalidations: 1, totalKeysInvalidated: summarizeEntries });
  });

  it('treats a foreign row under our key as a corrupted entry: a miss, removed, counted by the monitor', async () => {
    const key = cache.buildKey(request('foreign'));
    await pool.query(`INSERT INTO ${TABLE} VALUES ('custom_e2e', $1, $2, $3, $3)`, [key, Buffer.from('{"not":"ours"}'), Date.now() + 60_000]);
    expect(await cache.getCachedResponse(request('foreign'))).toBeUndefined();
    expect(monitor.getCounters().corruptedEntries).toBe(1);
    expect((await pool.query(`SELECT 1 FROM ${TABLE} WHERE namespace = 'custom_e2e' AND key = $1`, [key])).rowCount).toBe(0);
  });

  it('reports driver custom in stats and health, with the key count of its table', async () => {
    const stats = await cache.getCacheStats();
    expect(stats).toMatchObject({ driver: 'custom', redis: { status: 'connected' } });
    expect(stats.redis.keys).toBe(Number((await pool.query(`SELECT count(*) AS n FROM ${TABLE} WHERE namespace = 'custom_e2e'`)).rows[0].n));
    expect(await monitor.getHealth()).toMatchObject({ status: 'up', driver: 'custom' });
  });

  it('is the store the README shows, line for line', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const fixture = readFileSync(join(__dirname, 'support', 'postgres-cache.store.ts'), 'utf8');
    const blocks = [...readme.matchAll(/```ts[^\n]*\n([\s\S]*?)```/g)].map((match) => match[1]);
    const shown = blocks.find((block) => block.includes('export class PostgresCacheStore'));
    expect(shown).toBeDefined();
    expect(shown!.replace(/'nestjs-ai-cache'/g, "'@app/ai-cache'")).toBe(fixture);
  });
});
