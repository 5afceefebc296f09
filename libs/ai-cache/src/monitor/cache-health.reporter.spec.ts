import { firstValueFrom, take, toArray } from 'rxjs';
import { monitorWith, statsStore, storeWith, useQuietLogger } from './monitor.spec-support';

useQuietLogger();

describe('CacheHealthReporter (through CacheMonitorService)', () => {
  describe('getHealth', () => {
    it('is down before a store is attached', async () => {
      const { monitor } = monitorWith();
      expect((await monitor.getHealth()).status).toBe('down');
    });

    it('is up on the memory driver, with no redis section', async () => {
      const { monitor } = monitorWith({}, storeWith('memory', async () => ({ connected: false })));
      const health = await monitor.getHealth();
      expect(health).toEqual({ status: 'up', driver: 'memory', hitRatio: 0, alerts: [] });
    });

    it('follows Redis connectivity: up when connected, degraded with an alert when not', async () => {
      let connected = true;
      const { monitor } = monitorWith({}, storeWith('redis', async () => ({ connected, latencyMs: 0.4 })));
      expect(await monitor.getHealth()).toMatchObject({ status: 'up', driver: 'redis', redis: { connected: true, latencyMs: 0.4 } });
      connected = false;
      const degraded = await monitor.getHealth();
      expect(degraded).toMatchObject({ status: 'degraded', redis: { connected: false } });
      expect(degraded.alerts[0].severity).toBe('warning');
    });

    it('is down, not throwing, when the health check itself fails', async () => {
      const { monitor } = monitorWith({}, storeWith('redis', async () => Promise.reject(new Error('boom'))));
      const health = await monitor.getHealth();
      expect(health.status).toBe('down');
      expect(health.alerts.map((a) => a.message).join()).toContain('boom');
    });
  });

  describe('snapshots', () => {
    it('takes snapshots with a fresh memory reading and lookup percentiles', async () => {
      const { store, state } = statsStore();
      const { monitor } = monitorWith({}, store);
      for (let i = 1; i <= 20; i++) monitor.recordLookup('qa', i % 4 === 0 ? 'miss' : 'memory', i);
      monitor.recordOperation('set', 'qa', 'memory', 1000); // not a lookup: not in the lookup percentiles
      const snapshot = await monitor.snapshot();
      expect(snapshot).toMatchObject({
        timestamp: '2026-01-01T00:00:00.000Z',
        hitRatio: 75,
        hits: 15,
        misses: 5,
        lookupLatencyMs: { p50: 10, p95: 19, p99: 20, count: 20 },
        memory: { memoryCacheBytes: 4096, memoryCacheEntries: 2 },
        degraded: false,
        alerts: [],
      });
      expect(state.statsCalls).toBe(1);
    });

    it('streams snapshots: cold, one timer per subscriber, stopped on unsubscribe', async () => {
      const { store, state } = statsStore();
      const { monitor } = monitorWith({}, store);
      const snapshots = await firstValueFrom(monitor.snapshots$(5).pipe(take(3), toArray()));
      expect(snapshots).toHaveLength(3);
      expect(state.statsCalls).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(state.statsCalls).toBe(3); // nothing runs without a subscriber
      monitor.recordLookup('qa', 'memory', 1);
      expect((await firstValueFrom(monitor.snapshots$(1000))).hits).toBe(1);
      expect(() => monitor.snapshots$(-1)).toThrow(RangeError);
    });
  });
});
