import type { FleetCoordination } from '../../fleet/fleet-coordination.interface';
import { KeyWatchers } from '../../fleet/key-watchers';
import { RedisFleetCoordination, type RedisFleetCoordinationOptions } from '../../fleet/redis-fleet.coordination';
import type { StoreLogger } from '../circuit-breaker';
import { createSubscriberFor } from '../redis-client.factory';
import type { RedisStore } from '../redis.store';
import { type CoherenceCounters, TrackingCoherence } from './tracking.coherence';

export interface ChangeFeedOptions {
  redis: RedisStore;
  /** Someone else changed these keys (relative to the namespace): memory must forget them. */
  onKeys: (keys: string[]) => void;
  /** Everything may have changed (a flush, or reports may have been missed while the feed was down). */
  onResync: () => void;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  logger?: StoreLogger;
}

/**
 * Redis's reports of changes to our keys (TrackingCoherence), for the two that listen: the L1 tier
 * (started at connect when there is one) and the fleet's waiters (started on their first wait when
 * there is no L1, so that `memoryCacheSize: 0` opens no connection until one is needed).
 */
export class ChangeFeed {
  private readonly coherence: TrackingCoherence;
  private readonly watchers = new KeyWatchers();
  private started = false;
  private fleetCoordination?: FleetCoordination;

  constructor(private readonly options: ChangeFeedOptions) {
    const { redis } = options;
    this.coherence = new TrackingCoherence({
      prefix: redis.prefix,
      client: redis.client,
      createSubscriber: (data) => createSubscriberFor(redis.client, data),
      onKeys: (redisKeys) => {
        const keys = redisKeys.map((redisKey) => redisKey.slice(redis.prefix.length));
        options.onKeys(keys);
        this.watchers.notify(keys);
      },
      onFlush: () => this.resync(),
      onLive: () => this.resync(),
      pingIntervalMs: options.pingIntervalMs,
      pingTimeoutMs: options.pingTimeoutMs,
      logger: options.logger,
    });
  }

  /** True while every server we use reports changes. */
  get live(): boolean {
    return this.started && this.coherence.live;
  }

  /** Counters, once the feed was started (undefined before: no connection was opened). */
  counters(): CoherenceCounters | undefined {
    return this.started ? this.coherence.counters() : undefined;
  }

  /** Starts listening (once); resolves when live or after `timeoutMs`, never rejects. */
  start(timeoutMs: number): Promise<void> {
    if (this.started) return Promise.resolve();
    this.started = true;
    return this.coherence.start(timeoutMs);
  }

  /** Leases, failure markers and change watches for fleet-wide single flight on this Redis. */
  fleet(startTimeoutMs: number, store: Pick<RedisFleetCoordinationOptions, 'readOrLease' | 'healthy'>): FleetCoordination {
    this.fleetCoordination ??= new RedisFleetCoordination({
      redis: this.options.redis,
      ...store,
      watchers: this.watchers,
      startFeed: () => {
        void this.start(startTimeoutMs);
        return true;
      },
      feedLive: () => this.live,
    });
    return this.fleetCoordination;
  }

  close(): Promise<void> {
    return this.coherence.close();
  }

  private resync(): void {
    this.options.onResync();
    this.watchers.notifyAll();
  }
}
