import { Logger } from '@nestjs/common';
import { resolveCacheOptions } from '../cache-options.resolver';
import { createCacheMonitor } from '../monitor/cache-monitor.providers';
import type { CacheStore } from '../stores/cache-store.interface';
import { MemoryStore } from '../stores/memory.store';
import { StoreAccess } from './store-access';

function setup(store: CacheStore = new MemoryStore({ maxEntries: 10, purgeIntervalMs: 0 }), maxEntryBytes?: number) {
  const options = resolveCacheOptions({ maxEntryBytes });
  const monitor = createCacheMonitor(options, { store });
  return { access: new StoreAccess(options, store, monitor), monitor, store };
}

/** A store whose every call fails, synchronously for `get`. */
function brokenStore(): CacheStore {
  const fail = () => Promise.reject(new Error('store down'));
  return {
    driver: 'redis',
    get: () => {
      throw new Error('store down');
    },
    set: fail,
    delete: fail,
    exists: fail,
    ttl: fail,
    deleteMatching: fail,
    clear: fail,
    stats: fail,
    health: fail,
  };
}

beforeEach(() => {
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('StoreAccess', () => {
  it('answers a memory hit with a copy of the value, counting the lookup by tier', async () => {
    const { access, monitor } = setup();
    await access.write('k', { n: [1] }, 60, { operation: 'qa', textLength: 3, computeMs: 40 });
    const hit = await access.lookup<{ n: number[] }, unknown>('k', 'qa', (found) => found);
    expect(hit).toMatchObject({ value: { n: [1] }, tier: 'memory', entry: { operation: 'qa', textLength: 3, computeMs: 40 } });
    const again = await access.lookup<{ n: number[] }, { n: number[] } | undefined>('k', 'qa', (found) => found?.value);
    expect(again).not.toBe((hit as { value: unknown }).value);
    expect(monitor.getTotals().lookups).toEqual({ qa: { memoryHits: 2, redisHits: 0, misses: 0 } });
    expect(monitor.getPerformanceStats().timeSavedMs).toBe(80);
  });

  it('writes the facts beside the value, with its TTL, and labels writes with the tier of authority', async () => {
    const store = new MemoryStore({ maxEntries: 10, purgeIntervalMs: 0 });
    const { access } = setup(store);
    const before = Date.now();
    expect(await access.write('k', 'v', 30, { operation: 'summarize' })).toBe(true);
    const read = store.get('k')!;
    expect(read.entry).toMatchObject({ value: 'v', operation: 'summarize', compressed: false, size: expect.any(Number) });
    expect(read.entry.expiresAt - read.entry.cachedAt).toBe(30_000);
    expect(read.entry.cachedAt).toBeGreaterThanOrEqual(before);
    expect(access.writeTier).toBe('memory');
    expect(setup(brokenStore()).access.writeTier).toBe('redis');
  });

  it('refuses an oversize value before it is stored, counted, and a value JSON cannot represent with a TypeError', async () => {
    const { access, monitor, store } = setup(undefined, 100);
    expect(await access.write('big', 'x'.repeat(200), 60, { operation: 'qa' })).toBe(false);
    expect(await store.exists('big')).toBe(false);
    expect(monitor.getCounters().oversizeSkipped).toBe(1);
    await expect(access.write('fn', { f: () => 1 }, 60, { operation: 'qa' })).rejects.toThrow(TypeError);
  });

  it('turns a failing store into misses and fallbacks, each counted as an error', async () => {
    const { access, monitor } = setup(brokenStore());
    expect(await access.lookup('k', 'qa', (found) => found)).toBeUndefined();
    expect(await access.write('k', 'v', 60, { operation: 'qa' })).toBe(false);
    expect(await access.remove('k')).toBe(false);
    expect(await access.invalidate('ai:qa:*', { pattern: 'qa', type: 'operation', context: '' })).toBe(0);
    expect(monitor.getCounters().errors).toBe(4);
    expect(monitor.getTotals().lookups.qa).toEqual({ memoryHits: 0, redisHits: 0, misses: 1 });
  });

  it('counts invalidations with what they removed', async () => {
    const { access, monitor } = setup();
    await access.write('ai:qa:1', 1, 60, { operation: 'qa' });
    await access.write('ai:qa:2', 2, 60, { operation: 'qa' });
    await access.write('other', 3, 60, { operation: 'generic' });
    expect(await access.invalidate('ai:qa:*', { pattern: 'qa', type: 'operation', context: 'test' })).toBe(2);
    expect(await access.invalidate(undefined, { pattern: '*', type: 'all', context: '' })).toBe(1);
    expect(monitor.getInvalidationFrequencyStats()).toMatchObject({ totalInvalidations: 2, totalKeysInvalidated: 3 });
  });
});
