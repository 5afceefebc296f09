import { Logger } from '@nestjs/common';
import { envelopeJson } from '../codec/entry-envelope';
import { cloneJson } from '../codec/json-clone';
import { jsonBytesAtLeast } from '../codec/json-size';
import type { CacheEntry } from '../interfaces/cache-entry.interface';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import { assertJsonCompatible } from '../keys/canonical-json';
import type { CacheMonitorService } from '../monitor/cache-monitor.service';
import type { InvalidationSample } from '../monitor/monitor.types';
import type { FleetLease } from '../fleet/fleet-coordination.interface';
import type { CacheStore, CacheTier, StoreRead } from '../stores/cache-store.interface';

/** A lookup that found an entry: a copy of its value, the entry itself (shared: read-only) and the tier. */
export interface Hit<T> {
  value: T;
  entry: CacheEntry;
  tier: CacheTier;
}

/** What is stored beside a value. */
export interface EntryFacts {
  operation: string;
  textLength?: number;
  computeMs?: number;
}

/**
 * Reads and writes entries through the store, each counted and timed in the monitor. Failure
 * policy: a broken cache must never break the app. A read that fails is a miss, a write that fails
 * is logged and counted; only a value that cannot be cached throws, because that is the caller's
 * bug and retrying will not fix it.
 */
export class StoreAccess {
  private readonly logger = new Logger('AICache');
  private oversizeLogged = false;
  /** The tier metrics label writes and deletes with: the shared store is the authority on every driver but memory. */
  readonly writeTier: CacheTier;

  constructor(
    private readonly options: ResolvedCacheOptions,
    readonly store: CacheStore,
    private readonly monitor: CacheMonitorService,
  ) {
    this.writeTier = store.driver === 'memory' ? 'memory' : 'redis';
  }

  /**
   * Reads `key` and hands `answer` the hit (its value a fresh copy) or undefined, counting the lookup.
   * A store that answers synchronously (a memory tier) costs one resolved promise and nothing else:
   * this is the hot path of every hit, so it is written without `async`.
   */
  lookup<T, R>(key: string, operation: string, answer: (hit: Hit<T> | undefined) => R): Promise<R> {
    const started = performance.now();
    let read: StoreRead | undefined | Promise<StoreRead | undefined>;
    try {
      read = this.store.get(key);
    } catch (error) {
      read = Promise.reject(error);
    }
    if (!(read instanceof Promise)) return Promise.resolve(answer(this.hit<T>(key, operation, read, started)));
    return read.then(
      (found) => answer(this.hit<T>(key, operation, found, started)),
      (error: unknown) => {
        this.storeFailed(error);
        return answer(this.hit<T>(key, operation, undefined, started));
      },
    );
  }

  /**
   * `lookup` through a read that may also take the fleet's lease (`acquire`, one round trip): the hit
   * (counted as any lookup) or, on a miss, the lease when this call got it.
   */
  async lookupOrLease<T>(key: string, operation: string, acquire: () => Promise<{ read?: StoreRead; lease?: FleetLease }>): Promise<{ hit?: Hit<T>; lease?: FleetLease }> {
    const started = performance.now();
    let answer: { read?: StoreRead; lease?: FleetLease } = {};
    try {
      answer = await acquire();
    } catch (error) {
      this.storeFailed(error);
    }
    return { hit: this.hit<T>(key, operation, answer.read, started), lease: answer.lease };
  }

  /**
   * Checks the value (a bad one throws before anything is written), makes its envelope JSON once (the
   * store that keeps bytes encodes it; memory tiers copy the value), then stores it. False when it
   * was not stored (too large, or the store failed).
   */
  async write(key: string, value: unknown, ttlSeconds: number, facts: EntryFacts, staleSeconds = 0): Promise<boolean> {
    if (value === undefined) throw new TypeError('Cannot cache undefined: it has no JSON representation (use null)');
    assertJsonCompatible(value, 'value');
    // Refused before it is serialized (let alone compressed) when its size is already known to be too large.
    const atLeast = jsonBytesAtLeast(value, this.options.maxEntryBytes);
    if (atLeast > this.options.maxEntryBytes) return this.refuseOversize(atLeast, facts.operation);
    const cachedAt = Date.now();
    const { operation, textLength, computeMs } = facts;
    const json = envelopeJson({ value, cachedAt, operation, textLength, computeMs });
    const size = Buffer.byteLength(json, 'utf8');
    if (size > this.options.maxEntryBytes) return this.refuseOversize(size, operation);
    const expiresAt = cachedAt + ttlSeconds * 1000;
    const staleUntil = expiresAt + staleSeconds * 1000;
    // One literal of fixed shape (see entryWith): entries are copied and read on every hot path.
    const entry: CacheEntry = { value, cachedAt, expiresAt, staleUntil, compressed: false, size, operation, textLength, computeMs };
    const started = performance.now();
    const ok = await this.guard(async () => {
      await this.store.set(key, entry, json);
      return true;
    }, false);
    this.monitor.recordOperation('set', operation, this.writeTier, performance.now() - started);
    return ok;
  }

  /**
   * A copy of the fresh value under `key` written since `writtenSince` (epoch ms), uncounted: what a
   * fleet waiter looks for while another instance computes. Throws when the store fails.
   */
  async peek<T>(key: string, writtenSince: number): Promise<T | undefined> {
    const read = await this.store.get(key);
    const entry = read?.entry;
    if (!entry || entry.cachedAt < writtenSince || Date.now() >= entry.expiresAt) return undefined;
    return cloneJson(entry.value) as T;
  }

  /** Removes `key` from every tier, uncounted (a forced refresh, a corrupted entry); true when something was removed. */
  remove(key: string): Promise<boolean> {
    return this.guard(() => this.store.delete(key), false);
  }

  /** Removes the keys matching `pattern` (every key when undefined), counted as an invalidation; returns how many. */
  async invalidate(pattern: string | undefined, sample: Omit<InvalidationSample, 'at' | 'keysInvalidated' | 'durationMs'>): Promise<number> {
    const started = performance.now();
    const removed = await this.guard(() => (pattern === undefined ? this.store.clear() : this.store.deleteMatching(pattern)), 0);
    this.monitor.recordInvalidation({ ...sample, keysInvalidated: removed, durationMs: performance.now() - started });
    return removed;
  }

  /** Stores handle their own outages; this is the last line: a store error becomes `fallback`, counted. */
  async guard<R>(action: () => Promise<R>, fallback: R): Promise<R> {
    try {
      return await action();
    } catch (error) {
      this.storeFailed(error);
      return fallback;
    }
  }

  /** Counts the lookup; a hit gets a copy of the value (stores share theirs). */
  private hit<T>(key: string, operation: string, read: StoreRead | undefined, started: number): Hit<T> | undefined {
    let value: T | undefined;
    if (read !== undefined) {
      try {
        value = cloneJson(read.entry.value) as T;
      } catch {
        // A value nested too deep to copy: JSON.parse accepts nesting that no write of ours produces
        // (the encoder's checks recurse), so only hostile bytes read from Redis get here: a corrupted
        // entry, removed, not a RangeError.
        this.monitor.recordCorruptedEntry();
        void this.remove(key);
        read = undefined;
      }
    }
    const durationMs = performance.now() - started;
    if (read === undefined) {
      this.monitor.recordLookup(operation, 'miss', durationMs);
      return undefined;
    }
    this.monitor.recordLookup(operation, read.tier, durationMs);
    this.monitor.recordTimeSaved(read.entry.computeMs ?? 0, read.entry.value);
    return { value: value as T, entry: read.entry, tier: read.tier };
  }

  private refuseOversize(bytes: number, operation: string): false {
    this.monitor.recordOversize();
    if (!this.oversizeLogged) {
      this.oversizeLogged = true;
      this.logger.warn(
        `Not caching an entry of ${bytes} bytes or more for '${operation}': above maxEntryBytes (${this.options.maxEntryBytes}). ` +
          'Further oversize entries are counted in the monitor, not logged.',
      );
    }
    return false;
  }

  private storeFailed(error: unknown): void {
    this.monitor.recordError();
    this.logger.debug?.(`Cache store error: ${(error as Error).message}`);
  }
}
