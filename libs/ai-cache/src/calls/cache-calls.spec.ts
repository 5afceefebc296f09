import { Logger } from '@nestjs/common';
import { resolveCacheOptions } from '../cache-options.resolver';
import type { CacheModuleOptions } from '../interfaces/cache-module-options.interface';
import { createCacheMonitor } from '../monitor/cache-monitor.providers';
import { MemoryStore } from '../stores/memory.store';
import { CacheCalls } from './cache-calls';

function setup(options: CacheModuleOptions = {}) {
  const resolved = resolveCacheOptions(options);
  const store = new MemoryStore({ maxEntries: resolved.maxSize, purgeIntervalMs: 0 });
  const monitor = createCacheMonitor(resolved, { store });
  return { calls: new CacheCalls(resolved, store, monitor), store, monitor };
}

const request = { text: 'What is a cache?', operation: 'qa', options: { model: 'm' } };

afterEach(() => jest.restoreAllMocks());

describe('CacheCalls', () => {
  describe('prepare', () => {
    it('keys the request once, and resolves the TTL (call, then operation, then default) and the controls', () => {
      const { calls } = setup({ defaultTtl: 60 });
      const build = jest.spyOn(calls.keys, 'build');
      const call = calls.prepare(request, { ttl: '2m', scope: 'acme' });
      expect(build).toHaveBeenCalledTimes(1);
      expect(call).toMatchObject({ key: calls.keys.build(request, 'acme').key, operation: 'qa', textLength: 16, ttlSeconds: 120, read: 'lookup', write: true });
      expect(call.flightKey).toBe(call.key);
      expect(calls.prepare(request).ttlSeconds).toBe(1800); // qa's default
      expect(calls.prepare({ text: 't', operation: 'translate' }).ttlSeconds).toBe(60);
    });

    it('maps noCache, forceRefresh and noStore onto the read and the write, noStore flights apart', () => {
      const { calls } = setup();
      expect(calls.prepare(request, { noCache: true }).read).toBe('bypass');
      expect(calls.prepare(request, { forceRefresh: true, noCache: true }).read).toBe('refresh');
      const noStore = calls.prepare(request, { noStore: true });
      expect(noStore.write).toBe(false);
      expect(noStore.flightKey).not.toBe(noStore.key);
      expect(noStore.flightKey.startsWith(noStore.key)).toBe(true);
    });

    it('rejects a bad request or TTL, naming it; prepareValidated trusts its caller and checks nothing twice', () => {
      const { calls } = setup();
      expect(() => calls.prepare({ text: 1 as unknown as string, operation: 'qa' })).toThrow(/AIRequest\.text must be a string/);
      expect(() => calls.prepare(request, { ttl: -1 })).toThrow(/ttl/);
      const build = jest.spyOn(calls.keys, 'build');
      const call = calls.prepareValidated(request, { ttl: 5, scope: 'acme', label: 'Svc.ask' });
      expect(build).not.toHaveBeenCalled();
      expect(call).toMatchObject({ key: calls.prepare(request, { scope: 'acme' }).key, ttlSeconds: 5, label: 'Svc.ask' });
    });

    it('times every key build in the monitor', () => {
      const { calls, monitor } = setup();
      calls.prepare(request);
      calls.prepareValidated(request, {});
      calls.keyFor(request, undefined);
      expect(monitor.getPerformanceStats().keyGeneration?.totalOperations).toBe(3);
    });
  });

  describe('answer: the read phase', () => {
    it('answers a hit, computes on a miss, and skips or drops the entry as the call says', async () => {
      const { calls, store } = setup();
      await calls.getOrCompute(calls.prepare(request), () => 'first');
      expect(await calls.answer(calls.prepare(request))).toMatchObject({ value: 'first', tier: 'memory' });
      expect(await calls.answer(calls.prepare(request, { noCache: true }))).toBeUndefined();
      expect(await store.exists(calls.prepare(request).key)).toBe(true);
      expect(await calls.answer(calls.prepare(request, { forceRefresh: true }))).toBeUndefined();
      expect(await store.exists(calls.prepare(request).key)).toBe(false);
    });

    it('answers an entry inside its stale window (past expiresAt, before staleUntil) at once, stale, and refreshes it once in the background', async () => {
      const { calls, store, monitor } = setup();
      const call = calls.prepare(request, { staleWhileRevalidate: 60 });
      const now = Date.now();
      store.hold(call.key, { value: 'old', cachedAt: now - 10_000, expiresAt: now - 1000, staleUntil: now + 60_000, compressed: false, size: 5 });
      // Streams take no stale answers; promise calls do.
      expect(await calls.answer(call)).toBeUndefined();
      let computes = 0;
      const slow = () => new Promise<string>((resolve) => setTimeout(() => resolve(`new ${++computes}`), 20));
      const answers = await Promise.all([calls.getOrCompute(call, slow), calls.getOrCompute(call, slow)]);
      expect(answers).toEqual([
        { value: 'old', status: 'stale', tier: 'memory' },
        { value: 'old', status: 'stale', tier: 'memory' },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(computes).toBe(1);
      expect(await calls.getOrCompute(call, slow)).toMatchObject({ value: 'new 1', status: 'hit' });
      expect(monitor.getCounters()).toMatchObject({ staleAnswers: 2, backgroundRefreshes: 1 });
      // The refreshed entry carries the call's stale window again.
      const held = store.get(call.key)!.entry;
      expect(held.staleUntil - held.expiresAt).toBe(60_000);
    });
  });

  describe('settle', () => {
    it('returns a result whose unless() throws, uncached, counted and logged', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const { calls, monitor } = setup();
      const call = calls.prepare(request, {
        unless: () => {
          throw new Error('predicate broke');
        },
      });
      expect(await calls.getOrCompute(call, () => 'answer')).toEqual({ value: 'answer', status: 'miss' });
      expect(await calls.answer(call)).toBeUndefined();
      expect(monitor.getCounters()).toMatchObject({ computations: 1, errors: 1 });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("Not caching the result of 'qa': predicate broke"));
    });

    it('counts the computation of a noStore call and writes nothing', async () => {
      const { calls, monitor, store } = setup();
      const call = calls.prepare(request, { noStore: true });
      await calls.getOrCompute(call, () => 'answer');
      expect(monitor.getCounters().computations).toBe(1);
      expect(await store.exists(call.key)).toBe(false);
    });
  });
});
