import type { FleetCoordination, FleetLease } from './fleet-coordination.interface';
import { keepLeaseAlive } from './lease-renewal';

export interface BackgroundRefreshEvents {
  refreshed(): void;
  refreshFailed(error: unknown): void;
}

/**
 * Refreshes entries in the background (stale-while-revalidate, refresh-ahead): at most one refresh per
 * key in this process, and, through the fleet's lease, one in the whole fleet: an instance that
 * cannot take the lease leaves the refresh to the holder. A failed refresh is counted and the entry
 * in place keeps being answered until its own time ends.
 */
export class BackgroundRefresher {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly options: { leaseMs: number; coordination?: () => FleetCoordination | undefined; events: BackgroundRefreshEvents },
  ) {}

  /** Number of refreshes under way in this process. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Starts refreshing `key` unless this process already is; resolves when that refresh is over (never rejects). */
  refresh(key: string, recompute: () => Promise<unknown>): Promise<void> {
    const existing = this.running.get(key);
    if (existing) return existing;
    const run = this.run(key, recompute).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  private async run(key: string, recompute: () => Promise<unknown>): Promise<void> {
    const coordination = this.options.coordination?.();
    let lease: FleetLease | undefined;
    if (coordination?.available) {
      try {
        lease = await coordination.tryAcquire(key, this.options.leaseMs);
        if (!lease) return; // another instance is computing this entry right now
      } catch {
        // The shared store fails: refresh here anyway (the entry then lands in memory).
      }
    }
    const stopRenewing = lease ? keepLeaseAlive(lease, this.options.leaseMs) : undefined;
    try {
      await recompute();
      this.options.events.refreshed();
    } catch (error) {
      this.options.events.refreshFailed(error);
    } finally {
      stopRenewing?.();
      await lease?.release();
    }
  }
}
