import { isObservable, Observable } from 'rxjs';
import type { CacheCalls } from '../calls/cache-calls';
import type { PreparedCall } from '../calls/cache-call.types';
import type { StreamSource } from '../streams/cached-stream';
import {
  type AICacheContextFrame,
  currentContextFrame,
  recordCallOutcome,
  type ResolvedAICacheControls,
} from '../context/ai-cache.context';
import type { CachedMethodPlan } from './cached-method.plan';
import { describeResultKind, isAsyncIterable } from './return-kind';

/** What wrapped methods share: the call path of the CacheModule that wrapped them (its flights are the service's). */
export interface CachedMethodRuntime {
  readonly calls: CacheCalls;
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

/**
 * The call, prepared once: the plan built (and checked) the request from the arguments, the
 * AICacheContext checked its controls, so the call path validates neither again.
 */
function prepare<T>({ args, plan, runtime, frame }: MethodCall): PreparedCall<T> {
  const controls = frame?.controls ?? NO_CONTROLS;
  return runtime.calls.prepareValidated<T>(plan.toRequest(args), {
    ttl: controls.ttl ?? plan.ttl,
    unless: plan.unless,
    scope: controls.tenant,
    noCache: controls.noCache,
    noStore: controls.noStore,
    forceRefresh: controls.forceRefresh,
    staleWhileRevalidate: controls.staleWhileRevalidate ?? plan.staleWhileRevalidate,
    refreshAhead: controls.refreshAhead ?? plan.refreshAhead,
    label: plan.where,
  });
}

async function cachedPromise(call: MethodCall): Promise<unknown> {
  const { thisArg, args, original, plan, frame } = call;
  const outcome = await call.runtime.calls.getOrCompute(prepare(call), () => {
    const result = original.apply(thisArg, args);
    if (isObservable(result) || (isAsyncIterable(result) && typeof (result as { then?: unknown }).then !== 'function')) {
      throw kindMismatch(plan, result);
    }
    return result;
  });
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
  return call.runtime.calls.stream(prepare<unknown[]>(call), () => startStream(call), ({ status }) => recordCallOutcome(call.frame, status));
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
