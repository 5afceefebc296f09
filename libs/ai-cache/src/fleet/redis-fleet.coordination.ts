import { randomUUID } from 'node:crypto';
import type { RedisStore } from '../stores/redis.store';
import { failureMarkerKey, leaseKey } from '../stores/internal-keys';
import type { FleetCoordination, FleetLease } from './fleet-coordination.interface';
import { KeyWatchers } from './key-watchers';
import { RELEASE_IF_HELD, RENEW_IF_HELD } from './redis-script';

export interface RedisFleetCoordinationOptions {
  redis: RedisStore;
  watchers: KeyWatchers;
  /** Starts the change feed if it is not running (it is lazy when L1 is off); true once it runs. */
  startFeed: () => boolean;
  /** Whether the change feed currently reports every change. */
  feedLive: () => boolean;
}

/**
 * Leases and failure markers in Redis, as plain keys under the namespace (`#lease:<key>`,
 * `#failed:<key>`): `SET NX PX` with a random token takes a lease, a compare-and-delete script
 * releases it (only its holder can), a compare-and-pexpire script renews it. Every command goes
 * through the store's circuit breaker, like the data commands.
 */
export class RedisFleetCoordination implements FleetCoordination {
  private readonly redis: RedisStore;
  private readonly prefix: string;

  constructor(private readonly options: RedisFleetCoordinationOptions) {
    this.redis = options.redis;
    this.prefix = options.redis.prefix;
  }

  get available(): boolean {
    return this.redis.status === 'connected';
  }

  get watchable(): boolean {
    return this.options.feedLive();
  }

  async tryAcquire(key: string, leaseMs: number): Promise<FleetLease | undefined> {
    const redisKey = this.prefix + leaseKey(key);
    const token = randomUUID();
    const taken = await this.redis.execute((client) => client.set(redisKey, token, 'PX', Math.ceil(leaseMs), 'NX'));
    if (taken !== 'OK') return undefined;
    const redis = this.redis;
    return {
      renew: async (ms) => (await redis.execute((client) => RENEW_IF_HELD.run(client, [redisKey, token, Math.ceil(ms)]))) === 1,
      release: async () => {
        await redis.execute((client) => RELEASE_IF_HELD.run(client, [redisKey, token])).catch(() => undefined);
      },
    };
  }

  async markFailed(key: string, ttlMs: number): Promise<void> {
    await this.redis.execute((client) => client.set(this.prefix + failureMarkerKey(key), '1', 'PX', Math.ceil(ttlMs))).catch(() => undefined);
  }

  async isMarkedFailed(key: string): Promise<boolean> {
    // GETRANGE, not EXISTS: the one read command the ACL rule already grants.
    return (await this.redis.execute((client) => client.getrange(this.prefix + failureMarkerKey(key), 0, 0))) !== '';
  }

  watch(key: string, onChange: () => void): () => void {
    this.options.startFeed();
    // The entry, its lease and its marker: whichever changes, the waiter looks again.
    const stops = [key, leaseKey(key), failureMarkerKey(key)].map((watched) => this.options.watchers.watch(watched, onChange));
    return () => {
      for (const stop of stops) stop();
    };
  }
}
