import type { Cluster, Redis } from 'ioredis';
import type { StoreLogger } from '../circuit-breaker';
import { isCluster, type RedisClient } from '../redis-connection';
import { TrackingLink, type TrackingLinkCounters } from './tracking-link';

export interface TrackingCoherenceOptions {
  /** `${namespace}:` */
  prefix: string;
  /** The store's client: a standalone connection, or a Cluster (one link per master). */
  client: RedisClient;
  /** A new lazy subscriber connection to the server `data` talks to. */
  createSubscriber: (data: Redis) => Redis;
  /** Full Redis keys someone else changed. */
  onKeys: (keys: string[]) => void;
  /** A database was flushed. */
  onFlush: () => void;
  /** Every server reports changes again (after a start, a reconnect, a failover): memory must resync. */
  onLive: () => void;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  logger?: StoreLogger;
}

export interface CoherenceCounters extends TrackingLinkCounters {
  live: boolean;
  /** Why tracking is off, when a server refused it. */
  unavailable?: string;
}

/**
 * Keeps the L1 tier told of every change to our keys in Redis, on a standalone server or on every
 * master of a Cluster (each server reports only its own keys, so there is one TrackingLink per master,
 * reconciled whenever the cluster's nodes change).
 */
export class TrackingCoherence {
  private readonly links = new Map<string, TrackingLink>();
  private closed = false;
  private wasLive = false;
  private readonly lostLinks: TrackingLinkCounters = { invalidations: 0, flushes: 0, resyncs: 0, pingFailures: 0 };

  constructor(private readonly options: TrackingCoherenceOptions) {}

  /** True while every server we use reports changes: only then is L1 told of everything. */
  get live(): boolean {
    if (this.links.size === 0) return false;
    for (const link of this.links.values()) if (!link.live) return false;
    return true;
  }

  /** Starts listening; resolves once live or after `timeoutMs`, never rejects. */
  async start(timeoutMs: number): Promise<void> {
    const { client } = this.options;
    if (isCluster(client)) {
      const reconcile = () => this.reconcile(client);
      client.on('ready', reconcile);
      client.on('+node', reconcile);
      client.on('-node', reconcile);
      reconcile();
    } else {
      this.addLink('standalone', client);
    }
    await this.waitUntilLive(timeoutMs);
  }

  counters(): CoherenceCounters {
    const total = { ...this.lostLinks };
    let unavailable: string | undefined;
    for (const link of this.links.values()) {
      total.invalidations += link.counts.invalidations;
      total.flushes += link.counts.flushes;
      total.resyncs += link.counts.resyncs;
      total.pingFailures += link.counts.pingFailures;
      unavailable ??= link.unavailable;
    }
    return { ...total, live: this.live, unavailable };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.links.values()].map((link) => link.close()));
    this.links.clear();
  }

  private reconcile(cluster: Cluster): void {
    if (this.closed) return;
    const masters = new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
    for (const [key, link] of this.links) {
      if (masters.has(key)) continue;
      this.links.delete(key);
      for (const name of Object.keys(this.lostLinks) as Array<keyof TrackingLinkCounters>) this.lostLinks[name] += link.counts[name];
      void link.close();
    }
    for (const [key, node] of masters) if (!this.links.has(key)) this.addLink(key, node);
    this.liveChanged();
  }

  private addLink(key: string, data: Redis): void {
    const link = new TrackingLink({
      prefix: this.options.prefix,
      data,
      createSubscriber: () => this.options.createSubscriber(data),
      onKeys: this.options.onKeys,
      onFlush: this.options.onFlush,
      onLiveChange: () => this.liveChanged(),
      pingIntervalMs: this.options.pingIntervalMs,
      pingTimeoutMs: this.options.pingTimeoutMs,
      logger: this.options.logger,
    });
    this.links.set(key, link);
    link.start();
  }

  /** Resync exactly once per return to live, however many links came back. */
  private liveChanged(): void {
    const live = this.live;
    if (live && !this.wasLive) this.options.onLive();
    this.wasLive = live;
    if (live) this.notifyWaiters();
  }

  private waiters: Array<() => void> = [];

  private waitUntilLive(timeoutMs: number): Promise<void> {
    if (this.live) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private notifyWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
