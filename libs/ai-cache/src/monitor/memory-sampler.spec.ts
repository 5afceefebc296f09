import { Logger } from '@nestjs/common';
import type { MemoryUsageSample } from './monitor.types';
import { MiB, monitorWith, statsStore, useQuietLogger } from './monitor.spec-support';

useQuietLogger();

describe('MemorySampler (through CacheMonitorService)', () => {
  describe('memory usage', () => {
    it('reads the store and the process, and reports the seed stats from the readings', async () => {
      const storeless = monitorWith().monitor;
      expect(await storeless.sampleMemoryUsage()).toBeUndefined(); // no store
      expect(storeless.getMemoryUsageStats()).toMatchObject({ noMeasurements: true, warningThresholdMb: 50, criticalThresholdMb: 100 });

      const { store, state } = statsStore('redis');
      state.stats = { redis: { status: 'connected', keys: 40, memoryUsedBytes: 3 * MiB }, memory: { entries: 4, maxEntries: 100, bytes: MiB } };
      const { monitor } = monitorWith({}, store);
      const sample = (await monitor.sampleMemoryUsage()) as MemoryUsageSample;
      expect(sample).toMatchObject({ memoryCacheBytes: MiB, memoryCacheEntries: 4, memoryCacheMaxEntries: 100, redisMemoryBytes: 3 * MiB, redisKeys: 40 });
      expect(sample.processRssBytes).toBeGreaterThan(0);
      expect(sample.processHeapUsedBytes).toBeGreaterThan(0);
      expect(monitor.getMemoryUsageStats()).toMatchObject({
        current: { totalCacheSizeMb: 4, memoryCacheSizeMb: 1, redisMemoryMb: 3, cacheEntryCount: 40, memoryCacheEntryCount: 4 },
        trends: { totalMeasurements: 1 },
      });
      expect(monitor.getPerformanceStats().memoryUsage).toMatchObject({ current: { totalCacheSizeMb: 4 } });
    });

    it('shares one store reading between concurrent callers', async () => {
      const { store, state } = statsStore();
      const { monitor } = monitorWith({}, store);
      const [a, b] = await Promise.all([monitor.sampleMemoryUsage(), monitor.sampleMemoryUsage()]);
      expect(a).toBe(b);
      expect(state.statsCalls).toBe(1);
    });

    it('measures growth between readings with the clock', async () => {
      const { store, state } = statsStore();
      const { monitor, advance } = monitorWith({}, store);
      state.stats.memory.bytes = 2 * MiB;
      await monitor.sampleMemoryUsage();
      advance(30 * 60_000);
      state.stats.memory.bytes = 5 * MiB;
      await monitor.sampleMemoryUsage();
      expect((monitor.getMemoryUsageStats() as { trends: Record<string, number> }).trends.growthRateMbPerHour).toBeCloseTo(6);
    });

    it('warns with the configured thresholds, logs once per crossing, and puts the alert in health', async () => {
      const { store, state } = statsStore();
      const { monitor } = monitorWith({ monitoring: { memoryWarningBytes: 2 * MiB, memoryCriticalBytes: 4 * MiB } }, store);
      await monitor.sampleMemoryUsage();
      expect(monitor.getMemoryWarnings()).toEqual([]);

      state.stats.memory.bytes = 3 * MiB;
      await monitor.sampleMemoryUsage();
      await monitor.sampleMemoryUsage();
      expect(monitor.getMemoryWarnings()).toEqual([expect.objectContaining({ severity: 'warning' })]);
      expect(Logger.prototype.warn).toHaveBeenCalledTimes(1);
      const health = await monitor.getHealth();
      expect(health.status).toBe('up');
      expect(health.alerts).toEqual([{ severity: 'warning', message: expect.stringContaining('exceeding warning threshold of 2.0MB') }]);

      state.stats.memory.bytes = 5 * MiB;
      await monitor.sampleMemoryUsage();
      expect(Logger.prototype.error).toHaveBeenCalledTimes(1);
      expect((await monitor.getHealth()).alerts.map((a) => a.severity)).toEqual(['critical']);
    });

    it('counts a store that fails to report as an error, and records nothing', async () => {
      const { monitor } = monitorWith({}, { ...statsStore().store, stats: async () => Promise.reject(new Error('nope')) });
      expect(await monitor.sampleMemoryUsage()).toBeUndefined();
      expect(monitor.getCounters().errors).toBe(1);
      expect(monitor.getMemoryUsageStats()).toHaveProperty('noMeasurements', true);
    });

    it('drops readings past the retention', async () => {
      const { monitor, advance } = monitorWith({ monitoring: { retention: '10m' } }, statsStore().store);
      await monitor.sampleMemoryUsage();
      advance(10 * 60_000 + 1);
      expect(monitor.getMemoryUsageStats()).toHaveProperty('noMeasurements', true);
    });

    it('samples every minute once the app has started (or as asked), and stops on shutdown', async () => {
      jest.useFakeTimers();
      const { store, state } = statsStore();
      const { monitor } = monitorWith({}, store);
      monitor.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(59_999);
      expect(state.statsCalls).toBe(0); // none at bootstrap
      await jest.advanceTimersByTimeAsync(1);
      expect(state.statsCalls).toBe(1);
      monitor.startMemorySampling(1000);
      await jest.advanceTimersByTimeAsync(3000);
      expect(state.statsCalls).toBe(4);
      monitor.onModuleDestroy();
      await jest.advanceTimersByTimeAsync(120_000);
      expect(state.statsCalls).toBe(4);
      expect(() => monitor.startMemorySampling(0)).toThrow(RangeError);
    });
  });
});
