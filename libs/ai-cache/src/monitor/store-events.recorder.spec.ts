import { useMonitorModule, useQuietLogger } from './monitor.spec-support';

useQuietLogger();
const boot = useMonitorModule();

/** What the store reports through its observer reaches the module's monitor. */
describe('StoreEventsRecorder in CacheModule', () => {
  it('counts what the store reports through its observer: evictions of the memory driver, corrupted entries, compressions', async () => {
    const { monitor, cache, observer } = await boot({ maxSize: 1 });
    await cache.set('a', 1);
    await cache.set('b', 2);
    observer.corruptedEntry();
    observer.compression(2000, 500, 0.2);
    expect(monitor.getCounters()).toMatchObject({ evictions: 1, corruptedEntries: 1 });
    expect(monitor.getPerformanceStats().compression).toMatchObject({ totalOperations: 1, totalBytesSaved: 1500 });
  });

  it('counts decrypt failures in JSON and Prometheus, from the store observer and from recordDecryptFailure()', async () => {
    const { monitor, observer } = await boot();
    observer.decryptFailure();
    monitor.recordDecryptFailure();
    expect(monitor.getCounters().decryptFailures).toBe(2);
    expect(monitor.exportMetrics().counters.decryptFailures).toBe(2);
    expect((await monitor.snapshot()).counters.decryptFailures).toBe(2);
    expect(monitor.toPrometheus()).toContain('# TYPE ai_cache_decrypt_failures_total counter\n');
    expect(monitor.toPrometheus()).toContain('ai_cache_decrypt_failures_total{cache="monitor_spec"} 2\n');
    monitor.reset();
    expect(monitor.getCounters().decryptFailures).toBe(0);
  });
});
