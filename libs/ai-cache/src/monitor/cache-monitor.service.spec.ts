import { useMonitorModule, useQuietLogger } from './monitor.spec-support';

useQuietLogger();
const boot = useMonitorModule();

/** The monitor as CacheModule wires it: one graph of parts, the facade in front. */
describe('CacheMonitorService in CacheModule', () => {
  it('is the monitor the cache service reports to, and its health reads the module store', async () => {
    const { monitor, cache } = await boot();
    await cache.getOrCompute({ text: 'a', operation: 'qa' }, () => 'answer');
    await cache.getOrCompute({ text: 'a', operation: 'qa' }, () => 'answer');
    expect(monitor.getTotals()).toMatchObject({ hits: 1, misses: 1, counters: { computations: 1 } });
    expect(await monitor.getHealth()).toEqual({ status: 'up', driver: 'memory', hitRatio: 50, alerts: [] });
  });

  it('reads the memory figures of the module store', async () => {
    const { monitor, cache, store } = await boot();
    await cache.set('a', 'x'.repeat(100));
    const sample = await monitor.sampleMemoryUsage();
    expect(sample).toMatchObject({ memoryCacheEntries: 1, memoryCacheMaxEntries: 1000 });
    expect(sample!.memoryCacheBytes).toBe((await store.stats()).memory.bytes);
  });
});
