import type { Redis } from 'ioredis';
import type { StoreLogger } from '../circuit-breaker';
import { quitClient } from '../redis-connection';

/** The channel Redis publishes tracking invalidations on, for a client in RESP2 redirect mode. */
export const INVALIDATION_CHANNEL = '__redis__:invalidate';

export interface TrackingLinkOptions {
  /** `${namespace}:`: Redis reports changes to keys with this prefix only (BCAST PREFIX). */
  prefix: string;
  /** The connection our commands use on this server: tracking is enabled on it (NOLOOP: not for its own changes). */
  data: Redis;
  /** A new lazy connection to the same server, to receive the invalidations; the link closes it. */
  createSubscriber: () => Redis;
  /** Full Redis keys someone else changed, deleted, evicted or that expired. */
  onKeys: (keys: string[]) => void;
  /** The database was flushed (FLUSHALL / FLUSHDB): every key may be gone. */
  onFlush: () => void;
  /** The link became able (true) or unable (false) to report every change. */
  onLiveChange: (live: boolean) => void;
  /** Milliseconds between health pings of the subscriber. */
  pingIntervalMs: number;
  /** A ping unanswered this long means the subscriber's connection is dead, even if it never closed. */
  pingTimeoutMs: number;
  logger?: StoreLogger;
}

export interface TrackingLinkCounters {
  invalidations: number;
  flushes: number;
  resyncs: number;
  pingFailures: number;
}

/**
 * Server-assisted client-side caching for one Redis server: `CLIENT TRACKING on REDIRECT <subscriber>
 * BCAST PREFIX <ns>: NOLOOP` on the data connection, so that Redis itself reports every change to our
 * keys made by anyone else (other instances, `redis-cli DEL`, FLUSHALL, eviction, expiry) to our
 * subscriber connection, and no write needs a PUBLISH of its own.
 *
 * Tracking lives and dies with a connection: it is enabled again whenever either connection comes
 * back (the subscriber gets a new client id), and until then the link is not live. The subscriber is
 * pinged with a deadline, because a connection that stops forwarding without closing (a black-holed
 * TCP path) would otherwise look healthy while every invalidation is lost.
 */
export class TrackingLink {
  private subscriber?: Redis;
  private subscriberId?: number;
  private isLive = false;
  private closed = false;
  private pingTimer?: NodeJS.Timeout;
  private pinging = false;
  private unavailableLogged = false;
  /** The last reason tracking could not be enabled (a command the server or an ACL refused). */
  unavailable?: string;
  readonly counts: TrackingLinkCounters = { invalidations: 0, flushes: 0, resyncs: 0, pingFailures: 0 };

  private readonly onDataReady = () => void this.enableTracking();
  private readonly onDataClose = () => this.setLive(false);

  constructor(private readonly options: TrackingLinkOptions) {}

  get live(): boolean {
    return this.isLive;
  }

  start(): void {
    if (this.subscriber || this.closed) return;
    const subscriber = (this.subscriber = this.options.createSubscriber());
    subscriber.on('messageBuffer', (channel: Buffer, message: unknown) => this.receive(channel, message));
    subscriber.on('ready', () => void this.subscribe());
    subscriber.on('close', () => {
      this.subscriberId = undefined;
      this.setLive(false);
    });
    // Without an 'error' listener ioredis prints every failed reconnect attempt; the data path logs outages.
    subscriber.on('error', () => undefined);
    this.options.data.on('ready', this.onDataReady);
    this.options.data.on('close', this.onDataClose);
    subscriber.connect().catch(() => undefined);
    this.pingTimer = setInterval(() => void this.ping(), this.options.pingIntervalMs);
    this.pingTimer.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.setLive(false);
    clearInterval(this.pingTimer);
    this.options.data.removeListener('ready', this.onDataReady);
    this.options.data.removeListener('close', this.onDataClose);
    // Stop the server from redirecting to a connection about to go (the data connection may be the user's).
    if (this.options.data.status === 'ready') await this.options.data.call('CLIENT', 'TRACKING', 'off').catch(() => undefined);
    if (this.subscriber) {
      this.subscriber.removeAllListeners('messageBuffer');
      await quitClient(this.subscriber);
    }
  }

  /** On every (re)connection of the subscriber: its client id changes, so tracking must be redirected again. */
  private async subscribe(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || this.closed) return;
    try {
      const id = (await subscriber.client('ID')) as number;
      await subscriber.subscribe(INVALIDATION_CHANNEL);
      this.subscriberId = id;
    } catch (error) {
      this.refused(error);
      return;
    }
    await this.enableTracking();
  }

  /** OFF then ON: Redis refuses to turn BCAST tracking on twice with the same prefix. */
  private async enableTracking(): Promise<void> {
    const { data, prefix } = this.options;
    const id = this.subscriberId;
    if (id === undefined || this.closed) return;
    if (data.status !== 'ready') {
      // A Cluster's node connections are lazy: connect it, and its 'ready' brings us back here.
      if (data.status === 'wait') data.connect().catch(() => undefined);
      return;
    }
    try {
      await data.call('CLIENT', 'TRACKING', 'off');
      await data.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(id), 'BCAST', 'PREFIX', prefix, 'NOLOOP');
    } catch (error) {
      this.refused(error);
      return;
    }
    if (id !== this.subscriberId || this.closed) return; // the subscriber changed meanwhile: its own ready will redo this
    this.unavailable = undefined;
    this.counts.resyncs++;
    this.setLive(true);
  }

  private async ping(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || this.pinging || this.closed || subscriber.status !== 'ready') return;
    this.pinging = true;
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      subscriber.ping().then(() => true, () => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.options.pingTimeoutMs))),
    ]);
    clearTimeout(timer);
    this.pinging = false;
    if (answered || this.closed || subscriber !== this.subscriber) return;
    this.counts.pingFailures++;
    this.options.logger?.warn(
      `L1 coherence: the invalidation connection did not answer a ping within ${this.options.pingTimeoutMs} ms; reconnecting it (L1 copies are served for at most memoryCacheMaxAge meanwhile)`,
    );
    this.setLive(false);
    // A silent connection never closes by itself: drop it and let ioredis connect a new one.
    subscriber.disconnect(true);
  }

  private receive(channel: Buffer, message: unknown): void {
    if (channel.toString() !== INVALIDATION_CHANNEL) return;
    if (message === null) {
      this.counts.flushes++;
      this.options.onFlush();
      return;
    }
    const items = Array.isArray(message) ? message : [message];
    const keys: string[] = [];
    for (const item of items) {
      const key = Buffer.isBuffer(item) ? item.toString('utf8') : typeof item === 'string' ? item : undefined;
      if (key !== undefined && key.startsWith(this.options.prefix)) keys.push(key);
    }
    this.counts.invalidations += keys.length;
    if (keys.length > 0) this.options.onKeys(keys);
  }

  private refused(error: unknown): void {
    if (this.closed) return;
    const message = error instanceof Error ? error.message : String(error);
    // A reply error (NOPERM, unknown command, a proxy without tracking) will not go away by retrying.
    if (error instanceof Error && error.name === 'ReplyError') {
      this.unavailable = message;
      if (!this.unavailableLogged) {
        this.unavailableLogged = true;
        this.options.logger?.warn(
          `L1 coherence unavailable (${message}): L1 copies are served for at most memoryCacheMaxAge, and health reports degraded`,
        );
      }
    }
    this.setLive(false);
  }

  private setLive(live: boolean): void {
    if (live === this.isLive) return;
    this.isLive = live;
    this.options.onLiveChange(live);
  }
}
