import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { ReadOrLease, StoreRead } from '../stores/cache-store.interface';
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
  /** False while the store's Redis calls fail (a call that just timed out must not wait on Redis again). */
  healthy: () => boolean;
  /** The store's read that takes the lease when there is no entry (L1 first, then one Redis script). */
  readOrLease: (key: string, token: string, leaseMs: number) => Promise<ReadOrLease>;
}

/**
 * Leases and failure markers in Redis, as plain keys under the namespace (`#lease:{<redis key>}`,
 * `#failed:{<redis key>}`, see internal-keys): `SET NX PX` with a random token takes a lease, a compare-and-delete script
 * releases it (only its holder can), a compare-and-pexpire script renews it. Every command goes
 * through the store's circuit breaker, like the data commands.
 */
export class RedisFleetCoordination implements FleetCoordination {
  private readonly redis: RedisStore;
  private readonly prefix: string;
  /** Set once Redis refuses the lease scripts (an ACL without EVAL/EVALSHA): the fleet is then off. */
  private scriptsDenied = false;

  constructor(private readonly options: RedisFleetCoordinationOptions) {
    this.redis = options.redis;
    this.prefix = options.redis.prefix;
  }

  get available(): boolean {
    return !this.scriptsDenied && this.redis.status === 'connected' && this.options.healthy();
  }

  get watchable(): boolean {
    return this.options.feedLive();
  }

  async tryAcquire(key: string, leaseMs: number): Promise<FleetLease | undefined> {
    const redisKey = this.prefix + leaseKey(this.prefix, key);
    const token = randomUUID();
    const taken = await this.redis.execute((client) => client.set(redisKey, token, 'PX', Math.ceil(leaseMs), 'NX'));
    return taken === 'OK' ? this.heldLease(key, token) : undefined;
  }

  async readOrAcquire(key: string, leaseMs: number): Promise<{ read?: StoreRead; lease?: FleetLease }> {
    const token = randomUUID();
    const { read, leased, scriptsRefused } = await this.options.readOrLease(key, token, leaseMs);
    if (scriptsRefused) this.refuseScripts(scriptsRefused);
    return { read, lease: leased ? this.heldLease(key, token) : undefined };
  }

  /** The handle of a lease on `key` taken with `token` (here, or by the store's read-or-lease script). */
  heldLease(key: string, token: string): FleetLease {
    const redisKey = this.prefix + leaseKey(this.prefix, key);
    const redis = this.redis;
    return {
      renew: async (ms) => (await redis.execute((client) => RENEW_IF_HELD.run(client, [redisKey, token, Math.ceil(ms)]))) === 1,
      release: async () => {
        await redis.execute((client) => RELEASE_IF_HELD.run(client, [redisKey, token])).catch(() => undefined);
      },
    };
  }

  private refuseScripts(reason: string): void {
    if (this.scriptsDenied) return;
    this.scriptsDenied = true;
    new Logger('AICache').warn(
      `Redis refused the fleet lease script (${reason}): grant +evalsha +eval (see redisAclRuleFor). Until a restart, single flight is per process.`,
    );
  }

  async markFailed(key: string, ttlMs: number): Promise<void> {
    await this.redis.execute((client) => client.set(this.prefix + failureMarkerKey(this.prefix, key), '1', 'PX', Math.ceil(ttlMs))).catch(() => undefined);
  }

  async isMarkedFailed(key: string): Promise<boolean> {
    // GETRANGE, not EXISTS: the one read command the ACL rule already grants.
    return (await this.redis.execute((client) => client.getrange(this.prefix + failureMarkerKey(this.prefix, key), 0, 0))) !== '';
  }

  watch(key: string, onChange: () => void): () => void {
    this.options.startFeed();
    // The entry, its lease and its marker: whichever changes, the waiter looks again.
    const stops = [key, leaseKey(this.prefix, key), failureMarkerKey(this.prefix, key)].map((watched) => this.options.watchers.watch(watched, onChange));
    return () => {
      for (const stop of stops) stop();
    };
  }
}

