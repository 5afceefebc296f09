import { monitorWith, statsStore, useQuietLogger } from './monitor.spec-support';

useQuietLogger();

describe('MonitoredStore (through CacheMonitorService)', () => {
  it("reads Redis errors and short-circuited (degraded) operations from the store, relative to the last reset", () => {
    const { store, state } = statsStore('redis');
    const { monitor } = monitorWith({}, store);
    state.diagnostics = { breaker: { state: 'open', errors: 3, timeouts: 1, shortCircuited: 10, opened: 1 }, degraded: true };
    monitor.recordEviction();
    monitor.recordCoalescedWait();
    expect(monitor.getCounters()).toMatchObject({ redisErrors: 3, degradedOperations: 10, evictions: 1, coalescedWaits: 1 });
    expect(monitor.toPrometheus()).toContain('ai_cache_degraded{cache="ai_cache"} 1\n');
    monitor.reset();
    state.diagnostics = { breaker: { state: 'closed', errors: 4, timeouts: 1, shortCircuited: 12, opened: 1 }, degraded: false };
    expect(monitor.getCounters()).toMatchObject({ redisErrors: 1, degradedOperations: 2, evictions: 0, coalescedWaits: 0 });
  });

  it('labels a miss with the last tier the driver consults, and reports down without a store', async () => {
    const redis = monitorWith({}, statsStore('redis').store).monitor;
    redis.recordLookup('qa', 'miss', 1);
    expect(redis.toPrometheus()).toContain('ai_cache_misses_total{cache="ai_cache",operation="qa",tier="redis"} 1\n');
    const storeless = monitorWith().monitor;
    storeless.recordLookup('qa', 'miss', 1);
    expect(storeless.toPrometheus()).toContain('ai_cache_misses_total{cache="ai_cache",operation="qa",tier="memory"} 1\n');
    expect(storeless.getPerformanceStats().store).toBeUndefined();
    expect((await storeless.getHealth()).status).toBe('down');
  });
});
