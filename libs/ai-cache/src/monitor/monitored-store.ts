import { Inject, Injectable, Optional } from '@nestjs/common';
import { CACHE_STORE } from '../cache.constants';
import type { CacheDriver } from '../interfaces/cache-stats.interface';
import type { CacheStore, CacheTier, StoreDiagnostics, StoreHealth, StoreStats } from '../stores/cache-store.interface';

/** What the monitor reads of a store. */
export type StoreForMonitor = Pick<CacheStore, 'driver' | 'health' | 'stats' | 'diagnostics'>;

/**
 * The store as the monitor sees it: health, stats and the counters of its own machinery (circuit
 * breaker, coherence), which belong to the store and never go back to 0, so they are reported
 * relative to the last `reset()`. The store is optional: a monitor built without one reports `down`.
 */
@Injectable()
export class MonitoredStore {
  /** The breaker's counters at the last reset. */
  private baseline = { redisErrors: 0, degradedOperations: 0 };

  constructor(@Optional() @Inject(CACHE_STORE) private readonly store?: StoreForMonitor) {}

  get attached(): boolean {
    return this.store !== undefined;
  }

  get driver(): CacheDriver {
    return this.store?.driver ?? 'memory';
  }

  /**
   * The tiers a hit can come from; the last is the one a miss was finally decided by. A store of
   * your own may answer from this process (`memory`) or from its shared service (`redis`, the name
   * of the built-in shared tier).
   */
  tiers(): CacheTier[] {
    return this.store === undefined || this.store.driver === 'memory' ? ['memory'] : ['memory', 'redis'];
  }

  diagnostics(): StoreDiagnostics | undefined {
    return this.store?.diagnostics?.();
  }

  /** True while Redis is failing and memory alone serves, or while L1 cannot hear invalidations. */
  degraded(): boolean {
    return this.diagnostics()?.degraded === true;
  }

  /** Redis errors the fail-open store absorbed, and commands its breaker short-circuited, since the last reset. */
  breakerCounters(): { redisErrors: number; degradedOperations: number } {
    const breaker = this.diagnostics()?.breaker;
    return {
      redisErrors: (breaker?.errors ?? 0) - this.baseline.redisErrors,
      degradedOperations: (breaker?.shortCircuited ?? 0) - this.baseline.degradedOperations,
    };
  }

  resetBaseline(): void {
    const breaker = this.diagnostics()?.breaker;
    this.baseline = { redisErrors: breaker?.errors ?? 0, degradedOperations: breaker?.shortCircuited ?? 0 };
  }

  /** Undefined without a store. Rejects when the store's own call does. */
  async stats(): Promise<StoreStats | undefined> {
    return this.store?.stats();
  }

  /** Undefined without a store. Rejects when the store's own call does. */
  async health(): Promise<StoreHealth | undefined> {
    return this.store?.health();
  }
}
