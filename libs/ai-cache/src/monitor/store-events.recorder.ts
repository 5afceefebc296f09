import { Injectable } from '@nestjs/common';
import type { StoreObserver } from '../stores/cache-store.interface';
import { CacheCounters } from './cache-counters';
import { CacheTimeSeries } from './cache-time-series';

/**
 * What the stores report, recorded: the StoreObserver handed to the store when it is created. It
 * depends on the counters and series only (never on the store), so the store provider can depend
 * on it while the monitor's readers depend on the store.
 */
@Injectable()
export class StoreEventsRecorder implements Required<StoreObserver> {
  // Bound functions, not methods: stores hand them on as callbacks (an eviction listener, a codec's failure hook).
  readonly eviction = (): void => this.counters.count('evictions');
  readonly corruptedEntry = (): void => this.counters.count('corruptedEntries');
  readonly decryptFailure = (): void => this.counters.count('decryptFailures');
  readonly compression = (jsonBytes: number, storedBytes: number, durationMs: number): void =>
    this.series.addCompression(jsonBytes, storedBytes, durationMs);

  constructor(
    private readonly counters: CacheCounters,
    private readonly series: CacheTimeSeries,
  ) {}
}
