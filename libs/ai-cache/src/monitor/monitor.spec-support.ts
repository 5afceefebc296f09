import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AIResponseCacheService } from '../ai-response-cache.service';
import { CACHE_STORE } from '../cache.constants';
import { CacheModule } from '../cache.module';
import type { CacheModuleOptions } from '../interfaces/cache-module-options.interface';
import { resolveCacheOptions } from '../cache-options.resolver';
import type { CacheStore, StoreDiagnostics, StoreStats } from '../stores/cache-store.interface';
import { createCacheMonitor } from './cache-monitor.providers';
import { CacheMonitorService } from './cache-monitor.service';
import type { StoreForMonitor } from './monitored-store';
import { StoreEventsRecorder } from './store-events.recorder';

/** What the monitor specs share: a monitor on a controllable clock, and stores whose figures the test sets. */

export const MiB = 1024 * 1024;

export function monitorWith(options: Parameters<typeof resolveCacheOptions>[0] = {}, store?: StoreForMonitor) {
  let now = Date.UTC(2026, 0, 1);
  const monitor = createCacheMonitor(resolveCacheOptions(options), { store, clock: () => now });
  return { monitor, advance: (ms: number) => (now += ms), now: () => now };
}

export function storeWith(driver: 'memory' | 'redis', health: () => Promise<{ connected: boolean; latencyMs?: number }>) {
  return {
    driver,
    health: async () => ({ ...(await health()), status: 'connected' as const }),
    stats: async () => ({ redis: { status: 'disabled' as const }, memory: { entries: 0, maxEntries: 1, bytes: 0 } }),
  } satisfies Pick<CacheStore, 'driver' | 'health' | 'stats'>;
}

/** A store whose stats and diagnostics the test sets, counting the stats() calls. */
export function statsStore(driver: 'memory' | 'redis' = 'memory') {
  const state: { stats: StoreStats; diagnostics: StoreDiagnostics; statsCalls: number } = {
    stats: { redis: { status: 'disabled' }, memory: { entries: 2, maxEntries: 10, bytes: 4096 } },
    diagnostics: {},
    statsCalls: 0,
  };
  const store = {
    driver,
    health: async () => ({ connected: driver === 'redis', status: 'connected' as const }),
    stats: async () => {
      state.statsCalls++;
      return structuredClone(state.stats);
    },
    diagnostics: () => state.diagnostics,
  } satisfies Pick<CacheStore, 'driver' | 'health' | 'stats' | 'diagnostics'>;
  return { store, state };
}

/** Silences the AICache logger for the file (and lets tests count its calls); restores mocks and timers after each test. */
export function useQuietLogger(): void {
  beforeEach(() => {
    for (const level of ['log', 'warn', 'error', 'debug'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });
}

/** A CacheModule per test (namespace `monitor_spec`), closed after it: the monitor as the module wires it. */
export function useMonitorModule() {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });
  return async function boot(options: CacheModuleOptions = {}) {
    moduleRef = await Test.createTestingModule({ imports: [CacheModule.forRoot({ namespace: 'monitor_spec', ...options })] }).compile();
    await moduleRef.init();
    return {
      monitor: moduleRef.get(CacheMonitorService),
      cache: moduleRef.get(AIResponseCacheService),
      observer: moduleRef.get(StoreEventsRecorder),
      store: moduleRef.get<CacheStore>(CACHE_STORE),
    };
  };
}
