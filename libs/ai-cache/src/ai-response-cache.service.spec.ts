import { AIResponseCacheService } from './ai-response-cache.service';
import { resolveCacheOptions } from './cache-options.resolver';
import type { CacheModuleOptions } from './interfaces/cache-module-options.interface';
import type { AIRequest } from './interfaces/ai-request.interface';
import { createCacheMonitor } from './monitor/cache-monitor.providers';
import { MemoryStore } from './stores/memory.store';

function setup(options: CacheModuleOptions = {}) {
  const resolved = resolveCacheOptions(options);
  // Wired as cache-store.factory wires the memory driver.
  const store = new MemoryStore({ maxEntries: resolved.maxSize, maxBytes: resolved.maxBytes, maxEntryBytes: resolved.maxEntryBytes, purgeIntervalMs: 0 });
  const monitor = createCacheMonitor(resolved, { store });
  const cache = new AIResponseCacheService(resolved, store, monitor);
  return { cache, monitor, store };
}

const summarize: AIRequest = { text: 'A long article about caching.', operation: 'summarize', options: { model: 'gpt-4', max_length: 100 } };

describe('AIResponseCacheService (memory driver)', () => {
  describe('generic key/value', () => {
    it('round-trips JSON values, with undefined on a miss', async () => {
      const { cache } = setup();
      await cache.set('user:1', { name: 'Ada', roles: ['admin'] });
      expect(await cache.get('user:1')).toEqual({ name: 'Ada', roles: ['admin'] });
      expect(await cache.get('user:2')).toBeUndefined();
      expect(await cache.exists('user:1')).toBe(true);
      expect(await cache.delete('user:1')).toBe(true);
      expect(await cache.delete('user:1')).toBe(false);
      expect(await cache.exists('user:1')).toBe(false);
    });

    it('applies the default TTL or the given one, in seconds or duration strings', async () => {
      const { cache } = setup({ defaultTtl: 120 });
      await cache.set('a', 1);
      await cache.set('b', 1, '2h');
      await cache.set('c', 1, 30);
      expect(await cache.getTtl('a')).toBe(120);
      expect(await cache.getTtl('b')).toBe(7200);
      expect(await cache.getTtl('c')).toBe(30);
      expect(await cache.getTtl('missing')).toBeUndefined();
    });

    it('rejects bad TTLs and keys with a clear error and writes nothing', async () => {
      const { cache } = setup();
      await expect(cache.set('a', 1, -5)).rejects.toThrow(/ttl/);
      await expect(cache.set('', 1)).rejects.toThrow(TypeError);
      expect(await cache.exists('a')).toBe(false);
    });

    it('refuses generic keys starting with # (the library keeps its leases and markers there)', async () => {
      const { cache, store } = setup();
      for (const call of [() => cache.set('#lease:x', 1), () => cache.get('#x'), () => cache.delete('#x'), () => cache.exists('#x'), () => cache.getTtl('#x')]) {
        await expect(call()).rejects.toThrow(/must not start with '#'/);
      }
      await cache.set('a#b', 1); // only a leading # is reserved
      expect([store.memoryStats().entries, await cache.get('a#b')]).toEqual([1, 1]);
    });

    it('treats an entry nested too deep to copy as corrupted: a miss, counted and removed, never a throw', async () => {
      const { cache, monitor, store } = setup();
      const depth = 100_000;
      // What a Redis read of hostile bytes decodes to: JSON.parse accepts this nesting, a copy cannot recurse that deep.
      const value: unknown = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
      store.hold('deep', { value, cachedAt: 1, expiresAt: Date.now() + 60_000, staleUntil: Date.now() + 60_000, compressed: false, size: 2 * depth });
      expect(store.get('deep')).toBeDefined();

      await expect(cache.get('deep')).resolves.toBeUndefined();
      expect(monitor.getPerformanceStats().counters.corruptedEntries).toBe(1);
      expect(await cache.exists('deep')).toBe(false);
    });

    it('never lets a caller mutate what is cached', async () => {
      const { cache } = setup();
      const value = { nested: { n: 1 } };
      await cache.set('k', value);
      value.nested.n = 2;
      const read = await cache.get<typeof value>('k');
      expect(read).toEqual({ nested: { n: 1 } });
      read!.nested.n = 3;
      expect(await cache.get('k')).toEqual({ nested: { n: 1 } });
    });

    it.each([
      ['a function', { f: () => 1 }],
      ['a BigInt', { n: BigInt(1) }],
      ['undefined', undefined],
    ])('refuses %s with a TypeError and caches nothing', async (_label, value) => {
      const { cache } = setup();
      await expect(cache.set('bad', value)).rejects.toThrow(TypeError);
      expect(await cache.exists('bad')).toBe(false);
    });

    it('refuses a circular value', async () => {
      const { cache } = setup();
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(cache.set('bad', circular)).rejects.toThrow(TypeError);
    });
  });

  describe('AI responses', () => {
    it('caches a response under its request, with the operation TTL', async () => {
      const { cache } = setup();
      expect(await cache.getCachedResponse(summarize)).toBeUndefined();
      await cache.cacheResponse(summarize, { summary: 'Caching is good.' });
      const hit = await cache.getCachedResponse(summarize);
      expect(hit).toEqual({
        response: { summary: 'Caching is good.' },
        cachedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        tier: 'memory',
        compressed: false,
        textLength: summarize.text.length,
      });
      expect(await cache.getTtl(cache.buildKey(summarize))).toBe(7200);
    });

    it('uses an explicit TTL first, then the operation TTL, then the default', async () => {
      const { cache } = setup({ defaultTtl: 60, operationTtls: { qa: '10m' } });
      const qa = { text: 't', operation: 'qa', question: 'why?' };
      const other = { text: 't', operation: 'translate' };
      await cache.cacheResponse(qa, 'a');
      await cache.cacheResponse(other, 'b');
      await cache.cacheResponse(summarize, 'c', { ttl: '1d' });
      expect(await cache.getTtl(cache.buildKey(qa))).toBe(600);
      expect(await cache.getTtl(cache.buildKey(other))).toBe(60);
      expect(await cache.getTtl(cache.buildKey(summarize))).toBe(86400);
    });

    it('treats option key order as irrelevant and distinguishes 1 from "1"', async () => {
      const { cache } = setup();
      await cache.cacheResponse({ text: 'x', operation: 'qa', options: { a: 1, b: { c: 1, d: 2 } } }, 'first');
      expect((await cache.getCachedResponse({ text: 'x', operation: 'qa', options: { b: { d: 2, c: 1 }, a: 1 } }))?.response).toBe('first');
      expect(await cache.getCachedResponse({ text: 'x', operation: 'qa', options: { a: '1', b: { c: 1, d: 2 } } })).toBeUndefined();
    });

    it('keeps large responses uncompressed in memory, so a hit never inflates, and counts no compression', async () => {
      const { cache, monitor } = setup({ compressionThreshold: 100 });
      const response = { summary: 'word '.repeat(500) };
      await cache.cacheResponse(summarize, response);
      const hit = await cache.getCachedResponse(summarize);
      expect(hit?.compressed).toBe(false);
      expect(hit?.response).toEqual(response);
      expect(monitor.getPerformanceStats().compression).toBeUndefined();
    });

    it('returns a fresh copy on every hit', async () => {
      const { cache } = setup();
      await cache.cacheResponse(summarize, { points: ['a'] });
      const first = await cache.getCachedResponse<{ points: string[] }>(summarize);
      first!.response.points.push('mutated');
      expect((await cache.getCachedResponse(summarize))?.response).toEqual({ points: ['a'] });
    });

    it('rejects malformed requests with a clear error', async () => {
      const { cache } = setup();
      await expect(cache.getCachedResponse({ text: 42 as unknown as string, operation: 'qa' })).rejects.toThrow(TypeError);
      await expect(cache.cacheResponse({ text: 'x', operation: '' }, 'v')).rejects.toThrow(TypeError);
      await expect(cache.cacheResponse({ text: 'x', operation: 'sum*' }, 'v')).rejects.toThrow(TypeError);
      await expect(cache.cacheResponse({ text: 'x', operation: 'a:b' }, 'v')).rejects.toThrow(TypeError);
    });

    it('skips, counts and logs once an entry above maxEntryBytes', async () => {
      const { cache, monitor } = setup({ maxEntryBytes: 200, compressionThreshold: 1_000_000 });
      await cache.cacheResponse(summarize, 'x'.repeat(1000));
      await cache.cacheResponse({ ...summarize, text: 'other' }, 'y'.repeat(1000));
      expect(await cache.getCachedResponse(summarize)).toBeUndefined();
      expect(monitor.getPerformanceStats().counters.oversizeSkipped).toBe(2);
    });

    it('keeps an entry the module\'s stale window past its TTL: getCachedResponse says stale, getTtl counts to the TTL only', async () => {
      const { cache } = setup({ staleWhileRevalidate: '1m' });
      await cache.cacheResponse(summarize, 'short-lived', { ttl: 0.05 });
      expect([await cache.getTtl(cache.buildKey(summarize)), (await cache.getCachedResponse(summarize))?.stale]).toEqual([1, undefined]); // 50 ms, rounded up
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await cache.getCachedResponse(summarize)).toMatchObject({ response: 'short-lived', stale: true });
      expect(await cache.getTtl(cache.buildKey(summarize))).toBe(0);
      let computes = 0;
      expect(await cache.getOrComputeWithStatus(summarize, async () => `fresh ${++computes}`)).toMatchObject({ value: 'short-lived', status: 'stale' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const refreshed = await cache.getCachedResponse(summarize);
      expect([computes, refreshed?.response, refreshed?.stale]).toEqual([1, 'fresh 1', undefined]);
    });
  });

  describe('getOrCompute', () => {
    it('computes on a miss, then serves the cached value', async () => {
      const { cache } = setup();
      const compute = jest.fn(async () => ({ summary: 'computed' }));
      expect(await cache.getOrCompute(summarize, compute)).toEqual({ summary: 'computed' });
      expect(await cache.getOrCompute(summarize, compute)).toEqual({ summary: 'computed' });
      expect(compute).toHaveBeenCalledTimes(1);
      expect((await cache.getOrComputeWithStatus(summarize, compute)).status).toBe('hit');
    });

    it('runs compute once for concurrent identical misses, and waiters get their own copies', async () => {
      const { cache, monitor } = setup();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const compute = jest.fn(async () => {
        await gate;
        return { items: [1] };
      });
      const calls = Array.from({ length: 50 }, () => cache.getOrComputeWithStatus(summarize, compute));
      await new Promise((resolve) => setImmediate(resolve));
      release();
      const results = await Promise.all(calls);
      expect(compute).toHaveBeenCalledTimes(1);
      expect(results.filter((r) => r.status === 'miss')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'coalesced')).toHaveLength(49);
      results[1].value.items.push(2);
      expect(results[2].value).toEqual({ items: [1] });
      expect(monitor.getPerformanceStats().counters.coalescedWaits).toBe(49);
    });

    it('passes a failure to every waiter, caches nothing, and lets the next call retry', async () => {
      const { cache } = setup();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const failing = jest.fn(async () => {
        await gate;
        throw new Error('model down');
      });
      const calls = Array.from({ length: 5 }, () => cache.getOrCompute(summarize, failing));
      await new Promise((resolve) => setImmediate(resolve));
      release();
      const settled = await Promise.allSettled(calls);
      expect(settled.every((s) => s.status === 'rejected' && (s.reason as Error).message === 'model down')).toBe(true);
      expect(failing).toHaveBeenCalledTimes(1);
      expect(await cache.getCachedResponse(summarize)).toBeUndefined();
      expect(await cache.getOrCompute(summarize, async () => 'recovered')).toBe('recovered');
    });

    it('does not cache a result for which unless() returns true', async () => {
      const { cache } = setup();
      const compute = jest.fn(async () => ({ error: 'rate limited' }));
      await cache.getOrCompute(summarize, compute, { unless: (r) => 'error' in r });
      await cache.getOrCompute(summarize, compute, { unless: (r) => 'error' in r });
      expect(compute).toHaveBeenCalledTimes(2);
      expect(await cache.getCachedResponse(summarize)).toBeUndefined();
    });

    it('returns an uncacheable result without caching it', async () => {
      const { cache } = setup();
      const result = { callback: () => 1 };
      expect(await cache.getOrCompute(summarize, () => result)).toBe(result);
      expect(await cache.getCachedResponse(summarize)).toBeUndefined();
    });
  });

  describe('invalidation', () => {
    async function seeded() {
      const ctx = setup();
      await ctx.cache.cacheResponse({ text: 'a', operation: 'summarize' }, 1);
      await ctx.cache.cacheResponse({ text: 'b', operation: 'summarize' }, 2);
      await ctx.cache.cacheResponse({ text: 'a', operation: 'summarize_v2' }, 3);
      await ctx.cache.cacheResponse({ text: 'a', operation: 'sentiment' }, 4);
      await ctx.cache.set('user:1', 5);
      return ctx;
    }

    it('invalidateByOperation removes exactly that operation', async () => {
      const { cache, monitor } = await seeded();
      expect(await cache.invalidateByOperation('summarize', 'model_update')).toBe(2);
      expect(await cache.getCachedResponse({ text: 'a', operation: 'summarize' })).toBeUndefined();
      expect(await cache.getCachedResponse({ text: 'a', operation: 'summarize_v2' })).toBeDefined();
      expect(await cache.getCachedResponse({ text: 'a', operation: 'sentiment' })).toBeDefined();
      expect(monitor.getInvalidationFrequencyStats()).toMatchObject({ totalInvalidations: 1, totalKeysInvalidated: 2 });
    });

    it('invalidatePattern keeps the seed substring semantics, globs included', async () => {
      const { cache } = await seeded();
      expect(await cache.invalidatePattern('summarize')).toBe(3);
      expect(await cache.invalidatePattern('user:?')).toBe(1);
      expect(await cache.getCachedResponse({ text: 'a', operation: 'sentiment' })).toBeDefined();
      await expect(cache.invalidatePattern('')).rejects.toThrow(/invalidateAll/);
    });

    it('invalidateAll and clear remove every entry of the namespace and count them', async () => {
      const { cache } = await seeded();
      expect(await cache.invalidateAll('deploy')).toBe(5);
      expect(await cache.get('user:1')).toBeUndefined();
      expect(await cache.clear()).toBe(0);
    });
  });

  describe('stats', () => {
    it('reports the hit ratio over lookups, stats and the seed summary', async () => {
      const { cache } = setup();
      await cache.cacheResponse(summarize, 'r');
      await cache.getCachedResponse(summarize);
      await cache.getCachedResponse({ ...summarize, text: 'other' });
      expect(cache.getCacheHitRatio()).toBe(50);
      const stats = await cache.getCacheStats();
      expect(stats).toMatchObject({ driver: 'memory', redis: { status: 'disabled' }, memory: { entries: 1, maxEntries: 1000 } });
      expect(stats.memory.bytes).toBeGreaterThan(0);
      expect(stats.performance).toMatchObject({ cacheHits: 1, cacheMisses: 1 });
      expect(cache.getPerformanceSummary()).toMatchObject({ hitRatio: 50, totalOperations: 2, cacheHits: 1, cacheMisses: 1 });
    });
  });
});
