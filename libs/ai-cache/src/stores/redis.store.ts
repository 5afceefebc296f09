import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisClusterNode } from '../interfaces/cache-module-options.interface';
import type { CacheDriver, RedisStatus } from '../interfaces/cache-stats.interface';
import { escapeGlob } from '../utils/glob';
import type { CacheStore, EncodedStoredEntry, StoreHealth, StoreStats } from './cache-store.interface';
import {
  CircuitBreaker,
  CircuitBreakerCounters,
  CircuitBreakerOptions,
  CircuitState,
  StoreLogger,
} from './circuit-breaker';

export type { StoreLogger } from './circuit-breaker';

/** A standalone ioredis client or a Cluster: the store works with either. */
export type RedisClient = Redis | Cluster;

export interface RedisStoreOptions {
  /** Every key lives under `${namespace}:`; nothing outside it is ever read, scanned or removed. */
  namespace: string;
  /** `redis://[user:pass@]host:port/db` or `rediss://…`: the store creates (and closes) its own client. */
  url?: string;
  /** Seed nodes of a Redis Cluster: the store creates (and closes) its own Cluster client. */
  cluster?: { nodes: Array<RedisClusterNode | string> };
  /** A client the user owns: used as is and never closed. Takes precedence over `url` and `cluster`. */
  client?: RedisClient;
  /** Milliseconds `connect()` waits for the first connection before the store starts degraded. */
  connectTimeoutMs: number;
  /** Milliseconds after which one command is abandoned (it then fails with a CommandTimeoutError). */
  commandTimeoutMs: number;
  logger?: StoreLogger;
  /** Circuit breaker tuning (defaults: 3 failures, cool-down 1 s growing to 10 s). */
  breaker?: Pick<CircuitBreakerOptions, 'failureThreshold' | 'baseCooldownMs' | 'maxCooldownMs' | 'onStateChange'>;
  /** Milliseconds a SCAN-based key count is reused by `stats()`. Default 5000. */
  keyCountCacheMs?: number;
}

/** An entry with the milliseconds it has left in Redis (undefined: stored without expiry). */
export interface RedisEntryWithTtl {
  bytes: Buffer;
  ttlMs: number | undefined;
}

/** Keys per SCAN page: large enough to keep round trips few, small enough not to block Redis. */
export const SCAN_PAGE_SIZE = 500;
export const DEFAULT_KEY_COUNT_CACHE_MS = 5000;
/** A SCAN walk always ends; this only guards against a server that would never return cursor 0. */
const MAX_SCAN_PAGES = 1_000_000;
const RECONNECT_BASE_MS = 50;
const RECONNECT_MAX_MS = 2000;
const QUIT_TIMEOUT_MS = 500;
/**
 * ioredis arms a timer of this length on disconnect() to destroy a socket that does not close; for a
 * socket that is already closed (a client closed while Redis is down) nothing ever clears it, so a
 * long one would hold the process open at shutdown. Default 2000.
 */
const DISCONNECT_TIMEOUT_MS = 50;

/**
 * Redis reply errors mean Redis answered, so they do not trip the breaker (a foreign key of the wrong
 * type must not take the cache down), except these, which mean "not usable right now".
 */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOAUTH|WRONGPASS|NOPERM|READONLY)\b/;

/**
 * The L2 tier: encoded bytes in Redis under `${namespace}:`, every command through a circuit breaker.
 *
 * Data methods reject when Redis is unreachable, slow or the breaker is open (fast, bounded by
 * `commandTimeoutMs`): the tiered store in front of it turns that into fail-open behaviour.
 * `connect()`, `stats()`, `health()` and `close()` never reject.
 */
export class RedisStore implements CacheStore {
  readonly driver: CacheDriver = 'redis';
  readonly namespace: string;
  readonly client: RedisClient;
  /** True when the store created the client and so must close it. */
  readonly ownsClient: boolean;

  private readonly prefix: string;
  private readonly namespacePattern: string;
  private readonly breaker: CircuitBreaker;
  private readonly logger?: StoreLogger;
  private readonly keyCountCacheMs: number;
  private keyCount?: { value: number; at: number };
  private keyCountInFlight?: Promise<number>;
  private closed = false;
  private lostConnection = false;

  private corked = false;

  constructor(private readonly options: RedisStoreOptions) {
    if (!options.namespace) throw new Error('RedisStore: namespace must not be empty');
    this.namespace = options.namespace;
    this.prefix = `${options.namespace}:`;
    // The namespace is a literal: a `[` or `*` in it must not widen what SCAN selects.
    this.namespacePattern = `${escapeGlob(options.namespace)}:`;
    this.logger = options.logger;
    this.keyCountCacheMs = options.keyCountCacheMs ?? DEFAULT_KEY_COUNT_CACHE_MS;
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createClient(options);
    this.breaker = new CircuitBreaker({
      commandTimeoutMs: options.commandTimeoutMs,
      name: 'Redis',
      logger: options.logger,
      isOutage: (error) => !isReplyError(error) || UNAVAILABLE_REPLY.test((error as Error).message),
      ...options.breaker,
    });
    if (this.ownsClient) this.watchConnection(this.client);
  }

  /** 'connected' while the client is ready and the breaker lets commands through. */
  get status(): RedisStatus {
    return this.client.status === 'ready' && !this.breaker.isOpen ? 'connected' : 'degraded';
  }

  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  /** Errors, timeouts, short-circuited calls and the breaker state, for the monitor. */
  breakerCounters(): CircuitBreakerCounters {
    return this.breaker.counters();
  }

  /** Waits for the first connection at most `connectTimeoutMs`; never rejects (the store starts degraded). */
  async connect(): Promise<void> {
    const client = this.client;
    if (client.status === 'ready') return;
    let onReady!: () => void;
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<boolean>((resolve) => {
      onReady = () => resolve(true);
      client.once('ready', onReady);
    });
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.connectTimeoutMs);
    });
    // A lazy client (ours, or a user's made with lazyConnect) waits for an explicit connect().
    // Its rejection is not ours to report: the retry strategy keeps reconnecting in the background.
    if (client.status === 'wait') client.connect().catch(() => undefined);
    const connected = await Promise.race([ready, timedOut]);
    clearTimeout(timer);
    client.removeListener('ready', onReady);
    if (!connected) {
      this.logger?.warn(
        `Redis not reachable within ${this.options.connectTimeoutMs} ms: starting degraded (memory only), reconnecting in the background`,
      );
    }
  }

  get(key: string): Promise<EncodedStoredEntry | undefined> {
    const redisKey = this.prefix + key;
    // A promise chain, not an async function: this is every L2 hit, and each async frame costs a
    // promise and microtask hops of its own.
    return this.run(() => this.client.getBuffer(redisKey)).then(
      (bytes) => (bytes === null ? undefined : { bytes, tier: 'redis' as const }),
      (error: unknown) => (isWrongType(error) ? this.dropForeign(redisKey) : Promise.reject(error)),
    );
  }

  /**
   * The entry and its remaining TTL in one atomic round trip (MULTI/EXEC), so that a caller copying it
   * into a memory tier can make the copy expire no later than Redis' own.
   */
  async getWithTtl(key: string): Promise<RedisEntryWithTtl | undefined> {
    const redisKey = this.prefix + key;
    const replies = await this.run(() => this.client.multi().getBuffer(redisKey).pttl(redisKey).exec());
    if (!replies) throw new Error('Redis transaction aborted');
    const [[getError, bytes], [ttlError, pttl]] = replies as [[Error | null, Buffer | null], [Error | null, number]];
    if (getError) {
      if (isWrongType(getError)) return this.dropForeign(redisKey);
      throw getError;
    }
    if (ttlError) throw ttlError;
    if (bytes === null || pttl === -2) return undefined;
    return { bytes, ttlMs: pttl >= 0 ? pttl : undefined };
  }

  /**
   * `ttlMs` > 0: `SET key bytes PX ttl` (rounded up to whole milliseconds); `Infinity`: no expiry;
   * 0, negative or NaN: the entry is already expired, so any previous value is removed (as in MemoryStore).
   */
  async set(key: string, bytes: Buffer, ttlMs: number): Promise<void> {
    const redisKey = this.prefix + key;
    if (!(ttlMs > 0)) {
      await this.run(() => this.client.unlink(redisKey));
      return;
    }
    if (Number.isFinite(ttlMs)) {
      await this.run(() => this.client.set(redisKey, bytes, 'PX', Math.ceil(ttlMs)));
    } else {
      await this.run(() => this.client.set(redisKey, bytes));
    }
  }

  async delete(key: string): Promise<boolean> {
    return (await this.run(() => this.client.unlink(this.prefix + key))) > 0;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.run(() => this.client.exists(this.prefix + key))) > 0;
  }

  /** Milliseconds left; undefined when missing; `Infinity` for a key stored without expiry. */
  async ttl(key: string): Promise<number | undefined> {
    const pttl = await this.run(() => this.client.pttl(this.prefix + key));
    if (pttl === -2) return undefined;
    return pttl === -1 ? Number.POSITIVE_INFINITY : pttl;
  }

  /**
   * SCAN MATCH `${namespace}:${pattern}` on every master, UNLINK in batches of one page; never KEYS.
   * `onScanned` sees the relative keys of each page before they are removed (the tiered store uses it
   * to count distinct keys across tiers without holding every name in memory).
   */
  async deleteMatching(pattern: string, onScanned?: (keys: string[]) => void): Promise<number> {
    let removed = 0;
    await this.scanPages(this.namespacePattern + pattern, async (redisKeys, node) => {
      onScanned?.(redisKeys.map((redisKey) => redisKey.slice(this.prefix.length)));
      removed += await this.unlinkOnNode(node, redisKeys);
    });
    this.keyCount = undefined;
    return removed;
  }

  async clear(onScanned?: (keys: string[]) => void): Promise<number> {
    return this.deleteMatching('*', onScanned);
  }

  /** Publishes on a pub/sub channel (through the breaker, like every command). */
  async publish(channel: string, message: string): Promise<number> {
    return this.run(() => this.client.publish(channel, message));
  }

  /**
   * A new connection with the same settings, for pub/sub (a subscribed connection can run nothing
   * else). Also for a user's client: the duplicate is ours, and the caller must close it.
   */
  duplicateClient(): RedisClient {
    // Lazy: the caller connects it when it is ready to listen. Offline queue on: a SUBSCRIBE sent while
    // reconnecting should wait for the connection rather than fail.
    if (isCluster(this.client)) {
      const redisOptions = { ...this.client.options.redisOptions, disconnectTimeout: DISCONNECT_TIMEOUT_MS };
      return this.client.duplicate([], { lazyConnect: true, enableOfflineQueue: true, redisOptions });
    }
    return this.client.duplicate({
      lazyConnect: true,
      enableOfflineQueue: true,
      autoResubscribe: false,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    });
  }

  /** Never rejects. The key count is SCAN based and reused for `keyCountCacheMs`; memory is INFO's used_memory. */
  async stats(): Promise<StoreStats> {
    const memory = { entries: 0, maxEntries: 0, bytes: 0 };
    if (this.status !== 'connected') return { redis: { status: 'degraded' }, memory };
    const [keys, memoryUsedBytes] = await Promise.all([
      this.countKeys().catch(() => undefined),
      this.usedMemory().catch(() => undefined),
    ]);
    return { redis: { status: this.status, keys, memoryUsedBytes }, memory };
  }

  /** PING round trip; never rejects. */
  async health(): Promise<StoreHealth> {
    const started = performance.now();
    try {
      await this.run(() => this.client.ping());
      const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
      return { connected: true, latencyMs, status: 'connected' };
    } catch {
      return { connected: false, status: 'degraded' };
    }
  }

  /** Quits the client the store created (gracefully if possible); a user's client is left open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await quitClient(this.client);
  }

  /** Every command goes through the breaker: bounded by commandTimeoutMs, refused fast while open. */
  private run<T>(command: () => Promise<T>): Promise<T> {
    this.corkUntilNextTick();
    return this.breaker.execute(command);
  }

  /**
   * Commands issued in the same tick (a burst of concurrent cache calls, each woken by a reply) leave
   * in one writev instead of one write syscall each; nextTick runs before any I/O, so a lone command
   * waits for nothing. Measured: the per-command write was a third of a hit's CPU at 64 in flight.
   */
  private corkUntilNextTick(): void {
    if (this.corked || isCluster(this.client) || this.client.status !== 'ready') return;
    const stream = this.client.stream;
    if (!stream || typeof stream.cork !== 'function') return;
    this.corked = true;
    stream.cork();
    process.nextTick(() => {
      this.corked = false;
      stream.uncork();
    });
  }

  private async dropForeign(redisKey: string): Promise<undefined> {
    // A non-string under our prefix is not ours to interpret: a miss, and removed so it stops costing.
    await this.run(() => this.client.unlink(redisKey)).catch(() => undefined);
    return undefined;
  }

  /** Standalone: the client. Cluster: every master, since each holds only its own slots. */
  private masters(): Redis[] {
    if (!isCluster(this.client)) return [this.client];
    const masters = this.client.nodes('master');
    if (masters.length === 0) throw new Error('Redis Cluster: no master reachable');
    return masters;
  }

  private async scanPages(match: string, onPage: (redisKeys: string[], node: Redis) => Promise<void>): Promise<void> {
    for (const node of this.masters()) {
      let cursor = '0';
      let pages = 0;
      do {
        const [next, keys] = await this.run(() => node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_PAGE_SIZE));
        cursor = next;
        if (keys.length > 0) await onPage(keys, node);
      } while (cursor !== '0' && ++pages < MAX_SCAN_PAGES);
    }
  }

  private async unlinkOnNode(node: Redis, redisKeys: string[]): Promise<number> {
    if (!isCluster(this.client)) return this.run(() => node.unlink(...redisKeys));
    // In a cluster one UNLINK may only name keys of one hash slot: one UNLINK per key, pipelined to
    // the master the keys were scanned on (it owns them), in a single round trip.
    const replies = await this.run(() => node.pipeline(redisKeys.map((redisKey) => ['unlink', redisKey])).exec());
    let removed = 0;
    for (const [error, count] of replies ?? []) {
      if (error) throw error;
      removed += Number(count);
    }
    return removed;
  }

  private countKeys(): Promise<number> {
    const cached = this.keyCount;
    if (cached && Date.now() - cached.at < this.keyCountCacheMs) return Promise.resolve(cached.value);
    // Concurrent stats() calls share one walk instead of each scanning the namespace.
    this.keyCountInFlight ??= (async () => {
      let count = 0;
      await this.scanPages(`${this.namespacePattern}*`, async (redisKeys) => {
        count += redisKeys.length;
      });
      this.keyCount = { value: count, at: Date.now() };
      return count;
    })().finally(() => (this.keyCountInFlight = undefined));
    return this.keyCountInFlight;
  }

  private async usedMemory(): Promise<number> {
    let total = 0;
    for (const node of this.masters()) {
      const info = await this.run(() => node.info('memory'));
      const match = /^used_memory:(\d+)/m.exec(info);
      if (match) total += Number(match[1]);
    }
    return total;
  }

  /**
   * Notes the loss and the return of the connection once each, at debug level: the breaker already
   * warns once when Redis becomes unusable and logs once when it is back (ours only: a user's client
   * is theirs to watch).
   */
  private watchConnection(client: RedisClient): void {
    // Without an 'error' listener ioredis prints every failed reconnect attempt to the console.
    client.on('error', (error: Error) => {
      if (this.lostConnection || this.closed) return;
      this.lostConnection = true;
      this.logger?.debug?.(`Redis connection error: ${error.message}; reconnecting in the background`);
    });
    client.on('ready', () => {
      if (!this.lostConnection) return;
      this.lostConnection = false;
      this.logger?.debug?.('Redis connection restored');
    });
  }
}

function createClient(options: RedisStoreOptions): RedisClient {
  const common = {
    lazyConnect: true,
    // Fail fast while disconnected instead of queueing commands for an unknown time.
    enableOfflineQueue: false,
  };
  const perConnection: RedisOptions = {
    connectTimeout: options.connectTimeoutMs,
    maxRetriesPerRequest: 1,
    // A command we already gave up on (timed out) must not be replayed after a reconnect, where a
    // stale SET could overwrite a newer value.
    autoResendUnfulfilledCommands: false,
    connectionName: 'nestjs-ai-cache',
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  };
  if (options.cluster) {
    const clusterOptions: ClusterOptions = {
      ...common,
      clusterRetryStrategy: reconnectDelay,
      redisOptions: perConnection,
    };
    return new Cluster(options.cluster.nodes.map(toClusterNode), clusterOptions);
  }
  if (!options.url) throw new Error('RedisStore: one of url, cluster or client is required');
  return new Redis(options.url, { ...common, ...perConnection, retryStrategy: reconnectDelay });
}

/** Capped exponential backoff with jitter, so many instances do not reconnect in lockstep. */
function reconnectDelay(attempt: number): number {
  const capped = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.round(capped * (0.75 + Math.random() * 0.25));
}

function toClusterNode(node: RedisClusterNode | string): RedisClusterNode {
  if (typeof node !== 'string') return node;
  const separator = node.lastIndexOf(':');
  return { host: node.slice(0, separator), port: Number(node.slice(separator + 1)) };
}

/** Duck-typed, so that a user's client from another copy of ioredis is recognised too. */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

function isWrongType(error: unknown): boolean {
  return isReplyError(error) && /^WRONGTYPE\b/.test((error as Error).message);
}

/**
 * QUIT when connected (replies still pending are delivered first), a hard disconnect otherwise or if
 * QUIT is not answered in time; resolves once no socket or reconnect timer is left.
 */
export async function quitClient(client: RedisClient): Promise<void> {
  const status = client.status as string;
  if (status === 'end') return;
  // Only a client with a socket has an 'end' to wait for; a reconnecting one just has its timer,
  // which disconnect() clears (and then never emits 'end').
  const hasSocket = status === 'ready' || status === 'connecting' || status === 'connect';
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    client.once('end', resolve);
    timer = setTimeout(resolve, hasSocket ? QUIT_TIMEOUT_MS : 0);
  });
  if (status === 'ready') client.quit().catch(() => client.disconnect());
  else client.disconnect();
  await ended;
  clearTimeout(timer);
  // QUIT unanswered in time (a hung server): drop the socket. The status changed while we awaited.
  if ((client.status as string) !== 'end') client.disconnect();
}
