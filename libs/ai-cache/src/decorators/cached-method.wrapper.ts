import type { Logger } from '@nestjs/common';
import { isObservable, Observable } from 'rxjs';
import type { AIResponseCacheService, CacheCallOptions } from '../ai-response-cache.service';
import type { AIRequest } from '../interfaces/ai-request.interface';
import type { CacheMonitorService } from '../monitor/cache-monitor.service';
import {
  type AICacheContextFrame,
  currentContextFrame,
  recordCallOutcome,
  type ResolvedAICacheControls,
} from './ai-cache.context';
import type { CachedMethodPlan } from './cached-method.plan';
import { describeResultKind, isAsyncIterable } from './return-kind';
import type { StreamFlights } from './stream-flights';
import { arrayCursor, type StreamCursor, StreamRecording } from './stream-recording';

/** What wrapped methods share: the cache their module injects, its monitor, the stream flights. */
export interface CachedMethodRuntime {
  readonly cache: AIResponseCacheService;
  readonly monitor: CacheMonitorService;
  readonly streams: StreamFlights;
  readonly logger: Logger;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

const NO_CONTROLS: ResolvedAICacheControls = Object.freeze({});
/** See AIResponseCacheService: flights that will not write never share with flights that will. */
const NO_STORE_FLIGHT_SUFFIX = '\u0000no-store';

/**
 * The function that replaces a decorated method on a provider instance. It keeps the method's
 * `this` and arguments, and answers in the plan's shape: a Promise, an Observable or an
 * AsyncIterable. The AICacheContext is captured when the method is called (not when a returned
 * stream is consumed), so `AICacheContext.run(ctx, () => svc.stream(text))` applies `ctx`.
 */
export function createCachedMethod(original: AnyMethod, plan: CachedMethodPlan, runtime: CachedMethodRuntime): AnyMethod {
  const call = (thisArg: unknown, args: unknown[]): MethodCall => ({ thisArg, args, original, plan, runtime, frame: currentContextFrame() });
  switch (plan.kind) {
    case 'observable':
      return function (this: unknown, ...args: unknown[]) {
        return cachedObservable(call(this, args));
      };
    case 'async-iterable':
      return function (this: unknown, ...args: unknown[]) {
        return cachedAsyncIterable(call(this, args));
      };
    default:
      return function (this: unknown, ...args: unknown[]) {
        return cachedPromise(call(this, args));
      };
  }
}

interface MethodCall {
  thisArg: unknown;
  args: unknown[];
  original: AnyMethod;
  plan: CachedMethodPlan;
  runtime: CachedMethodRuntime;
  frame: AICacheContextFrame | undefined;
}

function callOptions(plan: CachedMethodPlan, controls: ResolvedAICacheControls): CacheCallOptions<unknown> {
  return {
    ttl: controls.ttl ?? plan.ttl,
    unless: plan.unless,
    scope: controls.tenant,
    noCache: controls.noCache,
    noStore: controls.noStore,
    forceRefresh: controls.forceRefresh,
  };
}

async function cachedPromise({ thisArg, args, original, plan, runtime, frame }: MethodCall): Promise<unknown> {
  const request = plan.toRequest(args);
  const outcome = await runtime.cache.getOrComputeWithStatus(
    request,
    () => {
      const result = original.apply(thisArg, args);
      if (isObservable(result) || (isAsyncIterable(result) && typeof (result as { then?: unknown }).then !== 'function')) {
        throw kindMismatch(plan, result);
      }
      return result;
    },
    callOptions(plan, frame?.controls ?? NO_CONTROLS),
  );
  recordCallOutcome(frame, outcome.status);
  return outcome.value;
}

function cachedObservable(call: MethodCall): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    let cursor: StreamCursor<unknown> | undefined;
    let closed = false;
    void (async () => {
      try {
        cursor = await openStream(call, () => closed);
        // Unsubscribed while the cursor was being opened: the teardown had no cursor to release yet.
        if (closed) return;
        for (;;) {
          const step = await cursor.next();
          if (closed) return;
          if (step.done) return subscriber.complete();
          subscriber.next(step.value);
        }
      } catch (error) {
        if (!closed) subscriber.error(error);
      } finally {
        cursor?.release();
      }
    })();
    return () => {
      closed = true;
      cursor?.release();
    };
  });
}

async function* cachedAsyncIterable(call: MethodCall): AsyncGenerator<unknown, void, undefined> {
  const cursor = await openStream(call, () => false);
  try {
    for (;;) {
      const step = await cursor.next();
      if (step.done) return;
      yield step.value;
    }
  } finally {
    // `break` in a for-await lands here: the last consumer to leave stops the upstream.
    cursor.release();
  }
}

/**
 * A cursor over the cached sequence (hit), or over the shared recording of the upstream (miss:
 * started here, or joined if an identical stream is already running). Cached sequences are stored
 * as plain arrays of the emitted items, readable with `getCachedResponse` too.
 */
async function openStream(call: MethodCall, abandoned: () => boolean): Promise<StreamCursor<unknown>> {
  const { plan, runtime, frame } = call;
  const controls = frame?.controls ?? NO_CONTROLS;
  const request = plan.toRequest(call.args);
  const scope = { scope: controls.tenant };
  const key = runtime.cache.buildKey(request, scope);

  if (controls.forceRefresh) {
    await runtime.cache.delete(key);
  } else if (!controls.noCache) {
    const cached = await runtime.cache.getCachedResponse(request, scope);
    // Anything but an array under this key is not a recorded stream: a miss, replaced on completion.
    if (cached && Array.isArray(cached.response)) {
      recordCallOutcome(frame, 'hit');
      return arrayCursor(cached.response);
    }
  }
  if (abandoned()) return arrayCursor([]);

  const flightKey = controls.noStore ? key + NO_STORE_FLIGHT_SUFFIX : key;
  const { recording, joined } = runtime.streams.join(flightKey, ({ onSettled }) =>
    startRecording(call, request, controls, onSettled),
  );
  if (joined) runtime.monitor.recordCoalescedWait();
  recordCallOutcome(frame, joined ? 'coalesced' : 'miss');
  return recording.cursor();
}

function startRecording(
  { thisArg, args, original, plan, runtime }: MethodCall,
  request: AIRequest,
  controls: ResolvedAICacheControls,
  onSettled: () => void,
): StreamRecording<unknown> {
  const hooks = {
    onSettled,
    onComplete: async (snapshots: unknown[]) => {
      runtime.monitor.recordComputation();
      if (controls.noStore) return;
      try {
        if (plan.unless?.(snapshots) === true) return;
        await runtime.cache.cacheResponse(request, snapshots, { ttl: controls.ttl ?? plan.ttl, scope: controls.tenant });
      } catch (error) {
        // The stream reached its consumers; an item we cannot encode must not fail it.
        runtime.monitor.recordError();
        runtime.logger.warn(`Not caching the stream of ${plan.where}: ${(error as Error).message}`);
      }
    },
  };
  const result = original.apply(thisArg, args);
  if (plan.kind === 'observable') {
    if (!isObservable(result)) throw kindMismatch(plan, result);
    return StreamRecording.fromObservable(result, hooks);
  }
  if (!isAsyncIterable(result)) throw kindMismatch(plan, result);
  return StreamRecording.fromAsyncIterable(result, hooks);
}

function kindMismatch(plan: CachedMethodPlan, result: unknown): TypeError {
  const expected = { promise: 'a Promise or a plain value', observable: 'an Observable', 'async-iterable': 'an AsyncIterable' }[plan.kind];
  return new TypeError(
    `@CachedAIResponse() on ${plan.where}: the method returned ${describeResultKind(result)} but is cached as returning ${expected}. ` +
      "Declare its return type (`: Observable<T>`, `async *method()`) or set { returns: 'promise' | 'observable' | 'async-iterable' }.",
  );
}
