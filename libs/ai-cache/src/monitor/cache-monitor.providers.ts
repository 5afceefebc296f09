import type { Provider } from '@nestjs/common';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import { CacheCounters } from './cache-counters';
import { CacheExports } from './cache-exports';
import { CacheHealthReporter } from './cache-health.reporter';
import { CacheMonitorService } from './cache-monitor.service';
import { CacheReports } from './cache-reports';
import { CacheTimeSeries } from './cache-time-series';
import { MemorySampler } from './memory-sampler';
import type { Clock } from './monitor.types';
import { MonitoredStore, type StoreForMonitor } from './monitored-store';
import { StoreEventsRecorder } from './store-events.recorder';

/**
 * The monitor's parts, as CacheModule provides them. The graph has no cycle: counters and series
 * need nothing but the options; the store provider takes StoreEventsRecorder (its observer); the
 * parts that read the store (MonitoredStore and those built on it) come after it; the facade last.
 */
export const CACHE_MONITOR_PROVIDERS: Provider[] = [
  CacheCounters,
  CacheTimeSeries,
  StoreEventsRecorder,
  MonitoredStore,
  MemorySampler,
  CacheReports,
  CacheHealthReporter,
  CacheExports,
  CacheMonitorService,
];

/** The same graph wired by hand, outside a Nest container (unit specs, scripts). */
export function createCacheMonitor(options: ResolvedCacheOptions, wiring: { store?: StoreForMonitor; clock?: Clock } = {}): CacheMonitorService {
  const counters = new CacheCounters(options);
  const series = new CacheTimeSeries(options, wiring.clock);
  const store = new MonitoredStore(wiring.store);
  const memory = new MemorySampler(store, series, counters);
  const reports = new CacheReports(options, counters, series, store);
  const health = new CacheHealthReporter(store, counters, series, reports, memory);
  const exports = new CacheExports(options, counters, series, store, reports);
  return new CacheMonitorService(counters, series, store, memory, reports, health, exports);
}
