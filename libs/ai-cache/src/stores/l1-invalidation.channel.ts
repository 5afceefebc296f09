import { randomUUID } from 'node:crypto';
import type { StoreLogger } from './circuit-breaker';
import { quitClient, type RedisClient } from './redis.store';

/** What other instances must evict from their memory tier. */
export type L1Invalidation =
  | { kind: 'keys'; keys: string[] }
  | { kind: 'patterns'; patterns: string[] }
  | { kind: 'all' };

export interface L1InvalidationChannelOptions {
  namespace: string;
  /** A new connection for SUBSCRIBE (a subscribed connection can run nothing else); the channel closes it. */
  createSubscriber: () => RedisClient;
  /** PUBLISH through the main connection (and its circuit breaker). */
  publish: (channel: string, message: string) => Promise<unknown>;
  /** Another instance invalidated or overwrote these entries. */
  onInvalidate: (invalidation: L1Invalidation) => void;
  /**
   * The subscription was (re)established: messages sent while it was down are lost, so anything the
   * memory tier holds may be stale. Clearing it is cheap and always safe.
   */
  onResync: () => void;
  /** Identifies this instance's own messages, which it ignores. Default: a random UUID. */
  instanceId?: string;
  logger?: StoreLogger;
}

export interface L1InvalidationCounters {
  published: number;
  publishFailures: number;
  received: number;
  ignoredOwn: number;
  malformed: number;
  resyncs: number;
}

/** Messages are small JSON objects; anything larger is not ours and is dropped unparsed. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const MESSAGE_VERSION = 1;

/** The JSON published on the channel. */
export interface WireMessage {
  v: number;
  from: string;
  keys?: string[];
  patterns?: string[];
  all?: boolean;
}

/**
 * Keeps the L1 tiers of every app instance on one Redis coherent: a write, delete or invalidation on
 * one instance is published on a per-namespace channel, and every other instance evicts the affected
 * L1 entries as soon as the message arrives (a Redis round trip, well under 100 ms).
 *
 * Messages carry the sender's instance id, so an instance skips what it already did itself. A
 * message that is not well-formed is counted and ignored: the channel is as untrusted as the data.
 */
export class L1InvalidationChannel {
  readonly channel: string;
  readonly instanceId: string;
  private subscriber?: RedisClient;
  private subscribed = false;
  private closed = false;
  private errorLogged = false;
  /** Resolves start()'s wait once the first subscription is confirmed. */
  private afterSubscribe?: () => void;
  private readonly counts: L1InvalidationCounters = {
    published: 0,
    publishFailures: 0,
    received: 0,
    ignoredOwn: 0,
    malformed: 0,
    resyncs: 0,
  };

  constructor(private readonly options: L1InvalidationChannelOptions) {
    this.channel = `${options.namespace}:__l1-invalidation`;
    this.instanceId = options.instanceId ?? randomUUID();
  }

  /** True while subscribed: only then can the memory tier trust that it hears every invalidation. */
  get isLive(): boolean {
    return this.subscribed && this.subscriber?.status === 'ready';
  }

  counters(): L1InvalidationCounters {
    return { ...this.counts };
  }

  /** Opens the subscriber and waits for the subscription at most `timeoutMs`; never rejects. */
  async start(timeoutMs: number): Promise<void> {
    if (this.subscriber || this.closed) return;
    const subscriber = this.options.createSubscriber();
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, message: string) => this.receive(channel, message));
    subscriber.on('ready', () => void this.subscribe());
    subscriber.on('close', () => (this.subscribed = false));
    subscriber.on('error', (error: Error) => {
      // One line per outage, not one per reconnect attempt; the store's own logs carry the rest.
      if (this.errorLogged || this.closed) return;
      this.errorLogged = true;
      this.options.logger?.debug?.(`L1 invalidation subscriber: ${error.message}`);
    });

    let timer: NodeJS.Timeout | undefined;
    let onSubscribed!: () => void;
    const subscribedInTime = new Promise<void>((resolve) => (onSubscribed = resolve));
    this.afterSubscribe = onSubscribed;
    if (subscriber.status === 'wait') subscriber.connect().catch(() => undefined);
    else if (subscriber.status === 'ready') void this.subscribe();
    await Promise.race([subscribedInTime, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.afterSubscribe = undefined;
  }

  /** Tells the other instances what to evict; never rejects (a lost message is counted). */
  async publish(invalidation: L1Invalidation): Promise<void> {
    const message: WireMessage = { v: MESSAGE_VERSION, from: this.instanceId };
    if (invalidation.kind === 'keys') message.keys = invalidation.keys;
    else if (invalidation.kind === 'patterns') message.patterns = invalidation.patterns;
    else message.all = true;
    try {
      await this.options.publish(this.channel, JSON.stringify(message));
      this.counts.published++;
    } catch {
      // Redis is down: the other instances are cut off too and clear their L1 when they resubscribe.
      this.counts.publishFailures++;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscribed = false;
    const subscriber = this.subscriber;
    if (subscriber) {
      subscriber.removeAllListeners('message');
      await quitClient(subscriber);
    }
  }

  /** On every (re)connection: the subscription is not resumed automatically, so that we know when it is back. */
  private async subscribe(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || this.closed) return;
    try {
      await subscriber.subscribe(this.channel);
    } catch {
      return; // the connection dropped again; the next 'ready' retries
    }
    if (this.closed) return;
    this.subscribed = true;
    this.errorLogged = false;
    this.counts.resyncs++;
    this.options.onResync();
    this.afterSubscribe?.();
  }

  private receive(channel: string, raw: string): void {
    if (channel !== this.channel) return;
    const message = parseMessage(raw);
    if (!message) {
      this.counts.malformed++;
      return;
    }
    if (message.from === this.instanceId) {
      this.counts.ignoredOwn++;
      return;
    }
    this.counts.received++;
    if (message.all) this.options.onInvalidate({ kind: 'all' });
    if (message.keys?.length) this.options.onInvalidate({ kind: 'keys', keys: message.keys });
    if (message.patterns?.length) this.options.onInvalidate({ kind: 'patterns', patterns: message.patterns });
  }
}

/** Plain JSON.parse plus a strict shape check: nothing in a message is ever executed or trusted. */
export function parseMessage(raw: string): WireMessage | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_MESSAGE_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { v, from, keys, patterns, all } = value as Record<string, unknown>;
  if (v !== MESSAGE_VERSION || typeof from !== 'string') return undefined;
  const message: WireMessage = { v, from };
  if (keys !== undefined) {
    if (!isStringArray(keys)) return undefined;
    message.keys = keys;
  }
  if (patterns !== undefined) {
    if (!isStringArray(patterns)) return undefined;
    message.patterns = patterns;
  }
  if (all !== undefined) {
    if (typeof all !== 'boolean') return undefined;
    message.all = all;
  }
  if (!message.keys && !message.patterns && !message.all) return undefined;
  return message;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
