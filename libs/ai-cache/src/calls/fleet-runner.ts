import { Logger } from '@nestjs/common';
import { BackgroundRefresher } from '../fleet/background-refresh';
import type { FleetCoordination, FleetLease } from '../fleet/fleet-coordination.interface';
import { type FleetOutcome, runFleetFlight } from '../fleet/fleet-flight';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import type { CacheMonitorService } from '../monitor/cache-monitor.service';
import type { CacheStore } from '../stores/cache-store.interface';
import type { PreparedCall } from './cache-call.types';
import type { Hit, StoreAccess } from './store-access';

/** Failure markers live this long: enough for the waiters of one failed flight to see it. */
const FAILURE_MARKER_MS = 2_000;
/** The waiters' fallback re-check while Redis's change reports flow (they are the usual wake-up). */
const WAIT_POLL_MS = 1_000;
/**
 * A result another instance wrote may be dated by a clock a little behind ours: an entry written
 * this long before the call began still counts as written for it (only a noCache call can meet an
 * older one: any other call would have been answered by it).
 */
const WRITER_CLOCK_SKEW_MS = 1_000;

/**
 * The fleet side of a call: a miss computed through the fleet's lease (one model call for every
 * instance on the same Redis), and background refreshes (stale-while-revalidate, refresh-ahead),
 * one per key per process and, through the lease, one in the fleet. Everything it does is counted.
 */
export class FleetRunner {
  private readonly logger = new Logger('AICache');
  private readonly coordination?: FleetCoordination;
  private readonly refresher: BackgroundRefresher;
  private refreshFailureLogged = false;

  constructor(
    private readonly options: ResolvedCacheOptions,
    store: CacheStore,
    private readonly monitor: CacheMonitorService,
    private readonly entries: StoreAccess,
  ) {
    // A store that can coordinate a fleet (the redis driver; a store of your own may too).
    this.coordination = options.singleFlight.fleet ? store.fleet?.() : undefined;
    this.refresher = new BackgroundRefresher({
      leaseMs: options.singleFlight.leaseMs,
      coordination: () => this.coordination,
      events: {
        refreshed: () => monitor.recordFlightEvent('backgroundRefreshes'),
        refreshFailed: (error) => this.refreshFailed(error),
      },
    });
  }

  /**
   * The read phase of a getOrCompute that may use the fleet: the hit, or on a miss the lease taken in
   * the same round trip (so the lease costs a miss nothing). Undefined when the call cannot use the
   * fleet now: then it reads as any call does.
   */
  readOrLease<T>(call: PreparedCall<T>): Promise<{ hit?: Hit<T>; lease?: FleetLease }> | undefined {
    const coordination = call.fleet && call.read === 'lookup' ? this.coordination : undefined;
    if (!coordination?.available) return undefined;
    return this.entries.lookupOrLease<T>(call.key, call.operation, () => coordination.readOrAcquire(call.key, this.options.singleFlight.leaseMs));
  }

  /**
   * `computeAndSettle` for a miss of `call`: through the lease when the call may use the fleet (with
   * `lease` when its read already took it), else here.
   */
  async produce<T>(call: PreparedCall<T>, computeAndSettle: () => Promise<T>, lease?: FleetLease): Promise<FleetOutcome<T>> {
    const coordination = call.fleet ? this.coordination : undefined;
    if (!coordination) return { value: await computeAndSettle(), source: 'computed' };
    const writtenSince = Date.now() - WRITER_CLOCK_SKEW_MS;
    return runFleetFlight({
      key: call.key,
      coordination,
      lease,
      readEntry: () => this.entries.peek<T>(call.key, writtenSince),
      compute: computeAndSettle,
      options: {
        leaseMs: this.options.singleFlight.leaseMs,
        maxWaitMs: this.options.singleFlight.maxWaitMs,
        pollMs: Math.min(WAIT_POLL_MS, Math.max(10, this.options.singleFlight.maxWaitMs)),
        failureMarkerMs: FAILURE_MARKER_MS,
      },
      events: {
        waited: () => this.monitor.recordFlightEvent('fleetWaits'),
        tookOver: () => this.monitor.recordFlightEvent('leaseTakeovers'),
        markedFailed: () => this.monitor.recordFlightEvent('failureMarkers'),
      },
    });
  }

  /** Recomputes `call`'s entry in the background (never awaited by the caller; never rejects). */
  refresh(call: Pick<PreparedCall, 'key'>, recompute: () => Promise<unknown>): void {
    void this.refresher.refresh(call.key, recompute);
  }

  private refreshFailed(error: unknown): void {
    this.monitor.recordFlightEvent('backgroundRefreshFailures');
    if (this.refreshFailureLogged) return;
    this.refreshFailureLogged = true;
    this.logger.warn(
      `A background refresh failed (${(error as Error)?.message ?? String(error)}): the entry in place is served until its time ends. Further failures are counted, not logged.`,
    );
  }
}
