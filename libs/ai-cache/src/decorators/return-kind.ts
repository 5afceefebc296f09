import { isObservable, Observable } from 'rxjs';
import type { CachedReturnKind } from './cached-ai-response.decorator';

export interface ReturnKindInference {
  kind: CachedReturnKind;
  /**
   * Set when the method is declared to return a plain value (`: string`, `: SummaryDto`): it is
   * still cached, but now returns a Promise, which its declared type does not say.
   */
  synchronousType?: string;
}

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as unknown;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor as unknown;

/**
 * The shape a wrapped method must answer in, decided before any call: a hit is answered without
 * running the body, so the body's result cannot tell. Sources, most reliable first: the explicit
 * option, the function itself (`async *`, `async`), then TypeScript's `design:returntype`
 * (classes survive compilation, interfaces such as AsyncIterable become `Object`).
 */
export function inferReturnKind(method: Function, declaredReturnType: unknown, explicit?: CachedReturnKind): ReturnKindInference {
  if (explicit) return { kind: explicit };
  const functionKind: unknown = Object.getPrototypeOf(method)?.constructor;
  if (functionKind === AsyncGeneratorFunction) return { kind: 'async-iterable' };
  if (functionKind === AsyncFunction) return { kind: 'promise' };
  if (isObservableClass(declaredReturnType)) return { kind: 'observable' };
  if (typeof declaredReturnType === 'function' && declaredReturnType !== Object && !isPromiseClass(declaredReturnType)) {
    return { kind: 'promise', synchronousType: declaredReturnType.name || 'a class' };
  }
  return { kind: 'promise' };
}

/** Observable or a subclass (Subject…), also from another copy of rxjs (hence the duck-typing). */
function isObservableClass(type: unknown): boolean {
  if (typeof type !== 'function') return false;
  if (type === Observable || type.prototype instanceof Observable) return true;
  const prototype = type.prototype as { subscribe?: unknown; lift?: unknown } | undefined;
  return typeof prototype?.subscribe === 'function' && typeof prototype.lift === 'function';
}

function isPromiseClass(type: Function): boolean {
  return type === Promise || type.prototype instanceof Promise;
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** What a value actually is, in the terms of CachedReturnKind (for mismatch errors). */
export function describeResultKind(value: unknown): string {
  if (isObservable(value)) return 'an Observable';
  if (isAsyncIterable(value)) return 'an AsyncIterable';
  if (value instanceof Promise || typeof (value as { then?: unknown } | null)?.then === 'function') return 'a Promise';
  return value === null ? 'null' : typeof value === 'object' ? 'a plain value (object)' : `a plain value (${typeof value})`;
}
