import { Test } from '@nestjs/testing';
import { AIResponseCacheService } from '../ai-response-cache.service';
import { CacheModule } from '../cache.module';
import { CacheOptionsError, resolveCacheOptions } from '../cache-options.resolver';
import { CacheMonitorService } from '../monitor/cache-monitor.service';
import type { CacheStoreContext, CacheStoreOption } from './cache-store.context';
import { CacheStore } from './cache-store.interface';
import { MemoryStore } from './memory.store';

const customStore = () => new MemoryStore({ maxEntries: 10, driver: 'custom', purgeIntervalMs: 0 });

function optionError(options: Parameters<typeof resolveCacheOptions>[0]): CacheOptionsError {
  try {
    resolveCacheOptions(options);
  } catch (error) {
    return error as CacheOptionsError;
  }
  throw new Error('expected a CacheOptionsError');
}

describe('the store option', () => {
  it('takes a CacheStore or a function that makes one', () => {
    const store = customStore();
    expect(resolveCacheOptions({ store }).store).toBe(store);
    const factory = () => store;
    expect(resolveCacheOptions({ store: factory }).store).toBe(factory);
  });

  it.each<[string, unknown, RegExp]>([
    ['a string', 'postgres', /expected a CacheStore, or a function/],
    ['an object without the methods', { driver: 'custom', get: () => undefined }, /not a CacheStore: no set\(\), delete\(\), exists\(\), ttl\(\), deleteMatching\(\), clear\(\), stats\(\), health\(\)/],
    ['a store of an unknown driver', Object.assign(customStore(), { driver: 'postgres' }), /its driver must be 'custom'/],
  ])('rejects %s, naming `store`', (_what, store, message) => {
    const error = optionError({ store: store as never });
    expect(error.option).toBe('store');
    expect(error.message).toMatch(message);
  });

  it.each([['driver', { driver: 'memory' as const }], ['redis', { redis: { url: 'redis://127.0.0.1:1' } }]])('is not taken with `%s`', (other, options) => {
    const error = optionError({ store: customStore(), ...options });
    expect(error.option).toBe('store');
    expect(error.message).toContain(`remove \`${other}\``);
  });

  describe('in CacheModule', () => {
    async function boot(store: unknown) {
      const moduleRef = await Test.createTestingModule({ imports: [CacheModule.forRoot({ namespace: 'custom_spec', store: store as CacheStoreOption })] }).compile();
      moduleRef.useLogger(false);
      await moduleRef.init();
      return moduleRef;
    }

    it('is the module store: injectable as CacheStore, reported as driver custom, connected and closed with the module', async () => {
      const store = customStore();
      const connect = jest.fn(async () => undefined);
      const close = jest.spyOn(store, 'close');
      const moduleRef = await boot(Object.assign(store, { connect }));
      expect(moduleRef.get(CacheStore)).toBe(store);
      expect(connect).toHaveBeenCalledTimes(1);
      const cache = moduleRef.get(AIResponseCacheService);
      await cache.getOrCompute({ text: 't', operation: 'qa' }, () => 'answer');
      expect(await cache.getCachedResponse({ text: 't', operation: 'qa' })).toMatchObject({ response: 'answer', tier: 'memory' });
      expect((await cache.getCacheStats()).driver).toBe('custom');
      expect(await moduleRef.get(CacheMonitorService).getHealth()).toMatchObject({ status: 'up', driver: 'custom' });
      await moduleRef.close();
      expect(close).toHaveBeenCalledTimes(1);
    });

    it('calls a factory with the context: the namespace, the entry bound, the codec and the monitor as observer', async () => {
      let seen: CacheStoreContext | undefined;
      const moduleRef = await boot((context: CacheStoreContext) => {
        seen = context;
        return customStore();
      });
      expect(seen).toMatchObject({ namespace: 'custom_spec', maxEntryBytes: 1024 * 1024 });
      expect(typeof seen!.codec.encode).toBe('function');
      seen!.observer.corruptedEntry?.();
      seen!.observer.decryptFailure?.();
      expect(moduleRef.get(CacheMonitorService).getCounters()).toMatchObject({ corruptedEntries: 1, decryptFailures: 1 });
      await moduleRef.close();
    });

    it('fails bootstrap, naming `store`, when a factory returns something that is not a store', async () => {
      await expect(boot(async () => ({ driver: 'custom' }))).rejects.toThrow(/invalid option `store`: not a CacheStore/);
    });

    it('reports a custom store that says it is degraded', async () => {
      const store = Object.assign(customStore(), { health: async () => ({ connected: true, status: 'degraded' as const, reason: 'replica lag' }) });
      const moduleRef = await boot(store);
      expect(await moduleRef.get(CacheMonitorService).getHealth()).toMatchObject({
        status: 'degraded',
        driver: 'custom',
        alerts: [{ severity: 'warning', message: 'Cache store degraded: replica lag' }],
      });
      await moduleRef.close();
    });
  });
});
