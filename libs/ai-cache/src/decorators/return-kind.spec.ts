import { from, Observable, Subject } from 'rxjs';
import { describeResultKind, inferReturnKind, isAsyncIterable } from './return-kind';

describe('inferReturnKind', () => {
  const plain = function () {
    return 1;
  };

  it('prefers the explicit option', () => {
    expect(inferReturnKind(plain, Observable, 'async-iterable')).toEqual({ kind: 'async-iterable' });
  });

  it('detects async generators and async functions from the function itself', () => {
    expect(inferReturnKind(async function* () {}, undefined)).toEqual({ kind: 'async-iterable' });
    expect(inferReturnKind(async () => 1, String)).toEqual({ kind: 'promise' });
  });

  it('detects Observable return types, subclasses and foreign copies of rxjs included', () => {
    expect(inferReturnKind(plain, Observable)).toEqual({ kind: 'observable' });
    expect(inferReturnKind(plain, Subject)).toEqual({ kind: 'observable' });
    class ForeignObservable {
      subscribe() {}
      lift() {}
    }
    expect(inferReturnKind(plain, ForeignObservable)).toEqual({ kind: 'observable' });
  });

  it('treats Promise, Object (interfaces) and unknown return types as promise, silently', () => {
    expect(inferReturnKind(plain, Promise)).toEqual({ kind: 'promise' });
    expect(inferReturnKind(plain, Object)).toEqual({ kind: 'promise' });
    expect(inferReturnKind(plain, undefined)).toEqual({ kind: 'promise' });
  });

  it('flags methods declared to return a plain value: they now return a Promise', () => {
    class SummaryDto {}
    expect(inferReturnKind(plain, String)).toEqual({ kind: 'promise', synchronousType: 'String' });
    expect(inferReturnKind(plain, Array)).toEqual({ kind: 'promise', synchronousType: 'Array' });
    expect(inferReturnKind(plain, SummaryDto)).toEqual({ kind: 'promise', synchronousType: 'SummaryDto' });
  });
});

describe('isAsyncIterable / describeResultKind', () => {
  async function* generator() {
    yield 1;
  }

  it('recognises async iterables only', () => {
    expect(isAsyncIterable(generator())).toBe(true);
    expect(isAsyncIterable({ [Symbol.asyncIterator]: () => ({}) })).toBe(true);
    expect(isAsyncIterable([1, 2])).toBe(false);
    expect(isAsyncIterable(null)).toBe(false);
    expect(isAsyncIterable('text')).toBe(false);
  });

  it('names what a method returned, for mismatch errors', () => {
    expect(describeResultKind(from([1]))).toBe('an Observable');
    expect(describeResultKind(generator())).toBe('an AsyncIterable');
    expect(describeResultKind(Promise.resolve(1))).toBe('a Promise');
    expect(describeResultKind({ a: 1 })).toBe('a plain value (object)');
    expect(describeResultKind(3)).toBe('a plain value (number)');
    expect(describeResultKind(null)).toBe('null');
  });
});
