import { Inject, Injectable, Logger } from '@nestjs/common';
import { CACHE_STORE, RESOLVED_CACHE_OPTIONS } from '../cache.constants';
import { resolveTtl } from '../cache-options.resolver';
import { shouldRefreshEarly } from '../fleet/freshness';
import type { FleetOutcome } from '../fleet/fleet-flight';
import { resolveRefreshAhead, resolveStaleWindow } from '../flight.options';
import type { AIRequest } from '../interfaces/ai-request.interface';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import { type BuiltKey, CacheKeyBuilder } from '../keys/cache-key.builder';
import { CacheMonitorService } from '../monitor/cache-monitor.service';
import type { CacheStore } from '../stores/cache-store.interface';
import { cachedStream, type StreamOutcome, type StreamSource } from '../streams/cached-stream';
import { StreamFlights } from '../streams/stream-flights';
import { AsyncCoalescer } from '../utils/coalesce-async';
import type { CacheCallOptions, CacheOutcome, CallControls, PreparedCall } from './cache-call.types';
import { FleetRunner } from './fleet-runner';
import { type Hit, StoreAccess } from './store-access';

/**
 * Flights of calls that will not write their result get their own single-flight key: a call that
 * asked for no-store must never cause a write, and a caller that expects a write must not wait on
 * a flight that will skip it.
 */
const NO_STORE_FLIGHT_SUFFIX = '\u0000no-store';

/**
 * The one call path. A call is prepared once (validated, keyed, TTL and controls resolved), then:
 *
 *     answer(call)  →  hit: served                         (the one place a hit is judged)
 *                   →  miss: one flight per key in this process
 *                          → produce(): compute, then settle(): counted, written unless told not to
 *
 * `getOrCompute`, decorated methods and streams all go this way; `getCachedResponse` and
 * `cacheResponse` start from a prepared call too. Nothing here knows about Nest requests.
 */
@Injectable()
export class CacheCalls {
  private readonly logger = new Logger('AICache');
  readonly keys: CacheKeyBuilder;
  readonly entries: StoreAccess;
  private readonly flights = new AsyncCoalescer();
  private readonly streamFlights = new StreamFlights();
  private readonly fleet: FleetRunner;

  constructor(
    @Inject(RESOLVED_CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
    @Inject(CACHE_STORE) store: CacheStore,
    private readonly monitor: CacheMonitorService,
  ) {
    this.keys = new CacheKeyBuilder(options);
    this.entries = new StoreAccess(options, store, monitor);
    this.fleet = new FleetRunner(options, store, monitor, this.entries);
  }

  /** A call of the public API: the request and options are checked here (a TypeError or CacheOptionsError names what is wrong). */
  prepare<T>(request: AIRequest, options: CacheCallOptions<T> & Pick<CallControls, 'label'> = {}): PreparedCall<T> {
    const built = this.keyFor(request, options.scope);
    const controls: Omit<CallControls<T>, 'ttl'> = {
      ...options,
      staleWhileRevalidate: resolveStaleWindow(options.staleWhileRevalidate, 'staleWhileRevalidate'),
      refreshAhead: options.refreshAhead === undefined ? undefined : (resolveRefreshAhead(options.refreshAhead, 'refreshAhead') ?? false),
    };
    return this.preparedFrom(built, controls, options.ttl === undefined ? undefined : resolveTtl(options.ttl, 'ttl'));
  }

  /** A call whose request and controls were validated by its caller (the decorator's plan and AICacheContext). */
  prepareValidated<T>(request: AIRequest, controls: CallControls<T>): PreparedCall<T> {
    const started = performance.now();
    const built = this.keys.buildValidated(request, controls.scope);
    this.recordKeyGeneration(started, built);
    return this.preparedFrom(built, controls, controls.ttl);
  }

  /** The key of `request` in `scope`, its build timed in the monitor. */
  keyFor(request: AIRequest, scope: string | undefined): BuiltKey {
    const started = performance.now();
    const built = this.keys.build(request, scope);
    this.recordKeyGeneration(started, built);
    return built;
  }

  /** Cached value, or `compute()`'s result, cached; concurrent identical misses share one computation. */
  async getOrCompute<T>(call: PreparedCall<T>, compute: () => T | Promise<T>): Promise<CacheOutcome<T>> {
    // With the fleet, the read also takes the lease on a miss (one round trip); else the plain read.
    const leasing = this.fleet.readOrLease<T>(call);
    const { hit, lease } = leasing ? await leasing : { hit: await this.answer<T>(call, { stale: true }), lease: undefined };
    if (hit) {
      if (isStale(hit)) {
        // Answered at once; one refresh per key (fleet-wide, through the lease) replaces the entry.
        this.monitor.recordFlightEvent('staleAnswers');
        this.fleet.refresh(call, () => this.computeAndSettle(call, compute));
        return { value: hit.value, status: 'stale', tier: hit.tier };
      }
      if (call.refreshAhead && shouldRefreshEarly(hit.entry, Date.now(), call.refreshAhead.beta)) {
        this.fleet.refresh(call, () => this.computeAndSettle(call, compute));
      }
      return { value: hit.value, status: 'hit', tier: hit.tier };
    }
    let joined = false;
    const produced: FleetOutcome<T> = await this.flights.run(
      call.flightKey,
      () => this.fleet.produce(call, () => this.computeAndSettle(call, compute), lease),
      () => {
        joined = true;
        this.monitor.recordCoalescedWait();
        // An identical call here computes already: a lease this read took is not needed.
        void lease?.release();
      },
    );
    // Waiters get their own copy, as a hit would: one caller mutating its result must not change another's.
    if (joined) return { value: copyOf(produced.value), status: 'coalesced' };
    return { value: produced.value, status: produced.source === 'fleet' ? 'coalesced' : 'miss' };
  }

  /** The stream form: a hit replays the stored array, a miss records `start()`'s stream (one upstream per flight key). */
  stream<T>(call: PreparedCall<T[]>, start: () => StreamSource<T>, onOutcome?: (outcome: StreamOutcome) => void): AsyncIterable<T> {
    return cachedStream(start, {
      flights: this.streamFlights,
      flightKey: call.flightKey,
      onOutcome,
      answer: () => this.answer<unknown>(call),
      joined: () => this.monitor.recordCoalescedWait(),
      settle: (items, computeMs) => this.settle(call, items as T[], computeMs, `the stream of ${call.label ?? `'${call.operation}'`}`),
    });
  }

  /**
   * The read phase of a call: the hit to answer with, or undefined when it must compute (a
   * forced refresh drops the entry first). The one place a hit is judged: an entry past its TTL
   * but inside a stale window (`expiresAt` < now ≤ `staleUntil`) is where stale-while-revalidate
   * decides to answer it and refresh in the background; without a stale window stores never
   * return one, and until then such an entry is computed afresh.
   */
  async answer<T>(call: Pick<PreparedCall, 'key' | 'operation' | 'read'>, accept: { stale: boolean } = { stale: false }): Promise<Hit<T> | undefined> {
    if (call.read === 'refresh') {
      await this.entries.remove(call.key);
      return undefined;
    }
    if (call.read === 'bypass') return undefined;
    const hit = await this.entries.lookup<T, Hit<T> | undefined>(call.key, call.operation, (found) => found);
    // Streams take no stale answers: their refresh would need a reader for the new stream.
    return hit && (accept.stale || !isStale(hit)) ? hit : undefined;
  }

  /**
   * A miss's computation (once per process and flight key, and through the fleet's lease when the
   * call may use it): compute, then settle, so that the entry is written before the lease is released.
   */
  private async computeAndSettle<T>(call: PreparedCall<T>, compute: () => T | Promise<T>): Promise<T> {
    const started = performance.now();
    const value = await compute();
    await this.settle(call, value, performance.now() - started, `the result of '${call.operation}'`);
    return value;
  }

  /**
   * Counts the computation and writes its result, unless the call is noStore or `unless` says not
   * to. Never throws: the model answered, and a result that cannot be cached (a function inside,
   * an `unless` that throws) is returned uncached, logged and counted.
   */
  private async settle<T>(call: PreparedCall<T>, value: T, computeMs: number, what: string): Promise<void> {
    this.monitor.recordComputation();
    if (!call.write) return;
    try {
      if (call.unless?.(value) === true) return;
      await this.entries.write(call.key, value, call.ttlSeconds, { operation: call.operation, textLength: call.textLength, computeMs }, call.staleSeconds);
    } catch (error) {
      this.monitor.recordError();
      this.logger.warn(`Not caching ${what}: ${(error as Error).message}`);
    }
  }

  private preparedFrom<T>(built: BuiltKey, controls: Omit<CallControls<T>, 'ttl'>, ttlSeconds: number | undefined): PreparedCall<T> {
    const write = controls.noStore !== true;
    return {
      key: built.key,
      operation: built.operation,
      textLength: built.textLength,
      ttlSeconds: ttlSeconds ?? this.options.operationTtls[built.operation] ?? this.options.defaultTtl,
      read: controls.forceRefresh ? 'refresh' : controls.noCache ? 'bypass' : 'lookup',
      write,
      flightKey: write ? built.key : built.key + NO_STORE_FLIGHT_SUFFIX,
      unless: controls.unless,
      label: controls.label,
      staleSeconds: controls.staleWhileRevalidate ?? this.options.staleWhileRevalidate,
      refreshAhead: controls.refreshAhead === undefined ? this.options.refreshAhead : controls.refreshAhead || undefined,
      fleet: write && this.options.singleFlight.fleet,
    };
  }

  private recordKeyGeneration(started: number, built: BuiltKey): void {
    this.monitor.recordKeyGeneration(performance.now() - started, built.textLength, built.textTier, built.operation);
  }
}

/** Inside a stale window: past its TTL, not yet past `staleUntil` (which stores enforce). */
export function isStale(hit: Pick<Hit<unknown>, 'entry'>): boolean {
  return hit.entry.staleUntil > hit.entry.expiresAt && Date.now() >= hit.entry.expiresAt;
}

function copyOf<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return value; // Not cloneable (e.g. holds a function): it was not cacheable either; share it.
  }
}
