import { isObservable, Observable } from 'rxjs';
import type { AIResponseCacheService, CacheCallOptions } from '../ai-response-cache.service';
import type { StreamSource } from '../streams/cached-stream';
import {
  type AICacheContextFrame,
  currentContextFrame,
  recordCallOutcome,
  type ResolvedAICacheControls,
} from '../context/ai-cache.context';
import type { CachedMethodPlan } from './cached-method.plan';
import { describeResultKind, isAsyncIterable } from './return-kind';

/** What wrapped methods share: the cache their module injects (its service owns the stream flights too). */
export interface CachedMethodRuntime {
  readonly cache: AIResponseCacheService;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

const NO_CONTROLS: ResolvedAICacheControls = Object.freeze({});

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
    let iterator: AsyncIterator<unknown> | undefined;
    let closed = false;
    void (async () => {
      try {
        iterator = openStream(call)[Symbol.asyncIterator]();
        for (;;) {
          const step = await iterator.next();
          if (closed) return;
          if (step.done) return subscriber.complete();
          subscriber.next(step.value);
        }
      } catch (error) {
        if (!closed) subscriber.error(error);
      } finally {
        void iterator?.return?.();
      }
    })();
    return () => {
      closed = true;
      // Synchronous: the last subscriber leaving stops the upstream at once, even mid-lookup.
      void iterator?.return?.();
    };
  });
}

async function* cachedAsyncIterable(call: MethodCall): AsyncGenerator<unknown, void, undefined> {
  // `break` in a for-await returns the delegate too: the last consumer to leave stops the upstream.
  yield* openStream(call);
}

/**
 * The service's stream path: a hit replays the stored array, a miss records the method's stream
 * (joined if an identical one is running). The outcome is counted in the AICacheContext the
 * method was called in, as for promise methods.
 */
function openStream(call: MethodCall): AsyncIterable<unknown> {
  const { plan, runtime, frame } = call;
  const controls = frame?.controls ?? NO_CONTROLS;
  return runtime.cache.getOrComputeStream(plan.toRequest(call.args), () => startStream(call), {
    ...callOptions(plan, controls),
    label: plan.where,
    onOutcome: ({ status }) => recordCallOutcome(frame, status),
  });
}

function startStream({ thisArg, args, original, plan }: MethodCall): StreamSource<unknown> {
  const result = original.apply(thisArg, args);
  if (plan.kind === 'observable' ? !isObservable(result) : !isAsyncIterable(result)) throw kindMismatch(plan, result);
  return result as StreamSource<unknown>;
}

function kindMismatch(plan: CachedMethodPlan, result: unknown): TypeError {
  const expected = { promise: 'a Promise or a plain value', observable: 'an Observable', 'async-iterable': 'an AsyncIterable' }[plan.kind];
  return new TypeError(
    `@CachedAIResponse() on ${plan.where}: the method returned ${describeResultKind(result)} but is cached as returning ${expected}. ` +
      "Declare its return type (`: Observable<T>`, `async *method()`) or set { returns: 'promise' | 'observable' | 'async-iterable' }.",
  );
}
