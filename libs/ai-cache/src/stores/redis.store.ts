import { Redis } from 'ioredis';
import { HEADER_BYTES, readHeader } from '../codec/envelope-header';
import type { RedisEntryCodec } from '../codec/redis-entry.codec';
import type { CacheEntry } from '../interfaces/cache-entry.interface';
import type { RedisClusterNode } from '../interfaces/cache-module-options.interface';
import type { ResolvedRedisTlsOptions } from '../interfaces/resolved-cache-options.interface';
import type { CacheDriver, RedisStatus } from '../interfaces/cache-stats.interface';
import type { CacheStore, ReadOrLease, StoreHealth, StoreObserver, StoreRead, StoreStats } from './cache-store.interface';
import { CircuitBreaker, type CircuitBreakerCounters, type CircuitBreakerOptions, type StoreLogger } from './circuit-breaker';
import { connectWithin, corkUntilNextTick, isCluster, isReplyError, isScriptRefusal, isWrongType, quitClient, type RedisClient } from './redis-connection';
import { READ_OR_LEASE } from '../fleet/redis-script';
import { leaseKey } from './internal-keys';
import { createRedisClient } from './redis-client.factory';
import { RedisNamespaceScanner } from './redis-namespace.scanner';
import { RedisStatsReader } from './redis-stats.reader';

export type { StoreLogger } from './circuit-breaker';
export type { RedisClient } from './redis-connection';

export interface RedisStoreOptions {
  /** Every key lives under `${namespace}:`; nothing outside it is ever read, scanned or removed. */
  namespace: string;
  /** Turns entries into bytes and back (header, compression, sealing). */
  codec: RedisEntryCodec;
  /** `redis://[user:pass@]host:port/db` or `rediss://…`: the store creates (and closes) its own client. */
  url?: string;
  /** Seed nodes of a Redis Cluster: the store creates (and closes) its own Cluster client. */
  cluster?: { nodes: Array<RedisClusterNode | string> };
  /** TLS for the client the store creates (every connection it opens, subscribers included, inherits it). */
  tls?: ResolvedRedisTlsOptions;
  /** A client the user owns: used as is and never closed. Takes precedence over `url` and `cluster`. */
  client?: RedisClient;
  /** Milliseconds `connect()` waits for the first connection before the store starts degraded. */
  connectTimeoutMs: number;
  /** Milliseconds after which one command is abandoned (it then fails with a CommandTimeoutError). */
  commandTimeoutMs: number;
  logger?: StoreLogger;
  observer?: StoreObserver;
  /** Circuit breaker tuning (defaults: 3 failures, cool-down 1 s growing to 10 s). */
  breaker?: Pick<CircuitBreakerOptions, 'failureThreshold' | 'baseCooldownMs' | 'maxCooldownMs' | 'onStateChange'>;
  /** Milliseconds a SCAN-based key count is reused by `stats()`. Default 5000. */
  keyCountCacheMs?: number;
}

export const DEFAULT_KEY_COUNT_CACHE_MS = 5000;

/**
 * Redis reply errors mean Redis answered, so they do not trip the breaker (a foreign key of the wrong
 * type, or a command an ACL denies, must not take the cache down), except these, which mean "not
 * usable right now".
 */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOAUTH|WRONGPASS|READONLY)\b/;

/**
 * The L2 tier: entries as bytes in Redis under `${namespace}:`, every command through a circuit breaker.
 *
 * A read is one command, `GETRANGE key 0 <cap>`: the whole value for any entry of ours, but never more
 * than the largest entry we could have written, so a huge foreign value under our key costs one
 * bounded read (then it is removed) instead of a transfer that would time out the connection for
 * every other caller. A write is one `SET key bytes PX ttl`: coherence needs no message of its own.
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
  readonly prefix: string;

  private readonly codec: RedisEntryCodec;
  /** GETRANGE's end index, as the string ioredis would otherwise make of the number on every read. */
  private readonly readEnd: string;
  private readonly breaker: CircuitBreaker;
  private readonly scanner: RedisNamespaceScanner;
  private readonly logger?: StoreLogger;
  private readonly observer?: StoreObserver;
  private readonly connectTimeoutMs: number;
  private readonly statsReader: RedisStatsReader;
  private closed = false;
  private readonly onClientReady = () => this.breaker.probeNow();

  constructor(options: RedisStoreOptions) {
    if (!options.namespace) throw new Error('RedisStore: namespace must not be empty');
    this.namespace = options.namespace;
    this.prefix = `${options.namespace}:`;
    this.codec = options.codec;
    this.readEnd = String(options.codec.maxStoredBytes);
    this.logger = options.logger;
    this.observer = options.observer;
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createRedisClient(options);
    this.breaker = new CircuitBreaker({
      commandTimeoutMs: options.commandTimeoutMs,
      name: 'Redis',
      logger: options.logger,
      isOutage: (error) => !isReplyError(error) || UNAVAILABLE_REPLY.test((error as Error).message),
      ...options.breaker,
    });
    this.scanner = new RedisNamespaceScanner(this.client, this.namespace, (command) => this.run(command));
    this.statsReader = new RedisStatsReader(this.scanner, (command) => this.run(command), options.keyCountCacheMs ?? DEFAULT_KEY_COUNT_CACHE_MS, options.logger);
    this.client.on('ready', this.onClientReady);
    // Without an 'error' listener ioredis prints every failed reconnect attempt to the console; the
    // breaker already warns once when Redis becomes unusable and logs once when it is back.
    if (this.ownsClient) this.client.on('error', () => undefined);
  }

  /** 'connected' while the client is ready and the breaker lets commands through. */
  get status(): RedisStatus {
    return this.client.status === 'ready' && !this.breaker.isOpen ? 'connected' : 'degraded';
  }

  /** Errors, timeouts, short-circuited calls and the breaker state, for the monitor. */
  breakerCounters(): CircuitBreakerCounters {
    return this.breaker.counters();
  }

  /** Waits for the first connection at most `connectTimeoutMs`; never rejects (the store starts degraded). */
  async connect(): Promise<void> {
    if (!(await connectWithin(this.client, this.connectTimeoutMs))) {
      this.logger?.warn(
        `Redis not reachable within ${this.connectTimeoutMs} ms: starting degraded (memory only), reconnecting in the background`,
      );
    }
  }

  get(key: string): Promise<StoreRead | undefined> {
    const redisKey = this.prefix + key;
    // A promise chain, not an async function: this is every L2 hit, and each async frame costs a
    // promise and microtask hops of its own.
    return this.run(() => this.client.getrangeBuffer(redisKey, '0', this.readEnd)).then(
      (bytes) => this.decodeRead(redisKey, bytes),
      (error: unknown) => (isWrongType(error) ? this.dropForeign(redisKey) : Promise.reject(error)),
    );
  }

  /** The bytes for `entry` and the entry as Redis will hold it (the tiered store keeps that one in L1). */
  encode(key: string, entry: CacheEntry, json: string): { bytes: Buffer; stored: CacheEntry } {
    const started = performance.now();
    const encoded = this.codec.encode(this.prefix + key, entry, json);
    if (encoded.stored.compressed) this.observer?.compression?.(entry.size, encoded.bytes.length, performance.now() - started);
    return encoded;
  }

  async set(key: string, entry: CacheEntry, json: string): Promise<void> {
    await this.write(key, this.encode(key, entry, json).bytes, entry.staleUntil);
  }

  /** `SET key bytes PX <until - now>`; an entry already past `until` removes any previous value instead. */
  async write(key: string, bytes: Buffer, until: number): Promise<void> {
    const redisKey = this.prefix + key;
    const ttlMs = until - Date.now();
    if (!(ttlMs > 0)) {
      await this.run(() => this.client.unlink(redisKey));
    } else if (Number.isFinite(ttlMs)) {
      await this.run(() => this.client.set(redisKey, bytes, 'PX', Math.ceil(ttlMs)));
    } else {
      await this.run(() => this.client.set(redisKey, bytes));
    }
  }

  async delete(key: string): Promise<boolean> {
    return (await this.run(() => this.client.unlink(this.prefix + key))) > 0;
  }

  /** Reads the 24-byte header only: true exactly when `get` would answer an entry of ours. */
  async exists(key: string): Promise<boolean> {
    return (await this.freshness(key)) !== undefined;
  }

  /**
   * Milliseconds until the entry stops being fresh. Redis's own PTTL is the authority (no clock skew
   * between the writer and us), less the stale window the header records.
   */
  async ttl(key: string): Promise<number | undefined> {
    const found = await this.freshness(key);
    if (!found) return undefined;
    const staleWindowMs = found.staleUntil - found.expiresAt;
    if (found.pttl === -1) return found.expiresAt === Number.POSITIVE_INFINITY ? found.expiresAt : Math.max(0, found.expiresAt - Date.now());
    return Math.max(0, found.pttl - (Number.isFinite(staleWindowMs) ? staleWindowMs : 0));
  }

  deleteMatching(pattern: string, onScanned?: (keys: string[]) => void): Promise<number> {
    this.statsReader.forgetKeyCount();
    return this.scanner.deleteMatching(pattern, onScanned);
  }

  clear(onScanned?: (keys: string[]) => void): Promise<number> {
    return this.deleteMatching('*', onScanned);
  }

  /** Never rejects. The key count is SCAN based and reused for `keyCountCacheMs`; memory is INFO's used_memory. */
  async stats(): Promise<StoreStats> {
    const memory = { entries: 0, maxEntries: 0, bytes: 0 };
    if (this.status !== 'connected') return { redis: { status: 'degraded' }, memory };
    const { keys, memoryUsedBytes } = await this.statsReader.read();
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

  /**
   * `get`, and when there is no entry the fleet's lease for it, in one round trip (READ_OR_LEASE):
   * `leased` says whether this call took the lease (with `token`, for `leaseMs`).
   */
  getOrLease(key: string, token: string, leaseMs: number): Promise<ReadOrLease> {
    const redisKey = this.prefix + key;
    const args = [redisKey, this.prefix + leaseKey(this.prefix, key), this.readEnd, token, Math.ceil(leaseMs)];
    return this.run(() => READ_OR_LEASE.runBuffer(this.client, args)).then(
      async (reply) => {
        const [status, bytes] = reply as [number, Buffer | undefined];
        if (status !== 2 || !bytes) return { leased: status === 1 };
        return { read: await this.decodeRead(redisKey, bytes), leased: false };
      },
      async (error: unknown) => {
        // An ACL without scripts: the plain read (GETRANGE) answers, and the caller stops leasing.
        if (isScriptRefusal(error)) return { read: await this.get(key), leased: false, scriptsRefused: (error as Error).message };
        if (!isWrongType(error)) throw error;
        await this.dropForeign(redisKey);
        return { leased: false };
      },
    );
  }

  /** Runs a command of the library's own (leases, markers) through the breaker, like every data command. */
  execute<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.run(() => command(this.client));
  }

  /** Quits the client the store created (gracefully if possible); a user's client is left open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.removeListener('ready', this.onClientReady);
    if (this.ownsClient) await quitClient(this.client);
  }

  /** Every command goes through the breaker: bounded by commandTimeoutMs, refused fast while open. */
  private run<T>(command: () => Promise<T>): Promise<T> {
    corkUntilNextTick(this.client);
    return this.breaker.execute(command);
  }

  private decodeRead(redisKey: string, bytes: Buffer): StoreRead | undefined | Promise<undefined> {
    // GETRANGE answers "" for a missing key (and for an empty value, which is no entry either).
    if (bytes.length === 0) return undefined;
    const entry = this.codec.decodeOrFailure(redisKey, bytes);
    if (typeof entry === 'string') {
      // A value that did not open is a decrypt failure (the codec reported it), not a corrupted entry:
      // one counter per cause, each failed read counted once. Either way a miss, and removed.
      if (entry === 'corrupted') this.observer?.corruptedEntry?.();
      return this.dropForeign(redisKey);
    }
    // Redis expires on its own clock; ours may run ahead: never answer an entry past its lifetime.
    if (entry.staleUntil <= Date.now()) return undefined;
    return { entry, tier: 'redis' };
  }

  private async freshness(key: string): Promise<{ expiresAt: number; staleUntil: number; pttl: number } | undefined> {
    const redisKey = this.prefix + key;
    const replies = await this.run(async () => {
      const results = await this.client.pipeline().getrangeBuffer(redisKey, 0, HEADER_BYTES - 1).pttl(redisKey).exec();
      if (!results) throw new Error('Redis pipeline aborted');
      // Thrown inside run(), so that the breaker counts a connection failure as one.
      for (const [error] of results) if (error && !isWrongType(error)) throw error;
      return results as [[Error | null, Buffer | null], [Error | null, number]];
    });
    const [[readError, head], [, pttl]] = replies;
    if (readError) return this.dropForeign(redisKey);
    const header = head && head.length > 0 ? readHeader(head) : undefined;
    if (!header || pttl === -2 || header.staleUntil <= Date.now()) return undefined;
    return { expiresAt: header.expiresAt, staleUntil: header.staleUntil, pttl };
  }

  private async dropForeign(redisKey: string): Promise<undefined> {
    // Not an entry of ours (another type, corrupt, oversized): a miss, and removed so it stops costing.
    await this.run(() => this.client.unlink(redisKey)).catch(() => undefined);
    return undefined;
  }
}
