import type { AIRequest } from '../interfaces/ai-request.interface';
import { hashedKeys, keyOf } from './keys.spec-support';
import { assertValidOperation } from './request-validation';

describe('request validation (through CacheKeyBuilder)', () => {
  describe('validation', () => {
    it.each(['', 'a:b', 'a*', 'a?', 'a[b]', 'a\\b', 'has space', 'é', 'o'.repeat(65)])('rejects the operation %j, naming it', (operation) => {
      expect(() => keyOf({ text: 't', operation })).toThrow(TypeError);
      expect(() => keyOf({ text: 't', operation })).toThrow(JSON.stringify(operation.slice(0, 80)));
    });

    it('accepts 1 to 64 characters of [A-Za-z0-9_.-]', () => {
      for (const operation of ['a', 'key_points', 'v1.summarize-fast', 'o'.repeat(64)]) {
        expect(() => assertValidOperation(operation)).not.toThrow();
      }
    });

    it.each<[unknown, RegExp]>([
      [undefined, /got undefined/],
      [42, /got number 42/],
      [null, /got null/],
      [{}, /got an instance of Object/],
    ])('rejects a non-string operation (%p)', (operation, message) => {
      expect(() => assertValidOperation(operation)).toThrow(message);
    });

    it('rejects a text that is not a string', () => {
      expect(() => keyOf({ text: 42 as unknown as string, operation: 'qa' })).toThrow(/AIRequest\.text must be a string, got number 42/);
      expect(() => keyOf({ text: undefined as unknown as string, operation: 'qa' })).toThrow(TypeError);
    });

    it.each<[unknown, RegExp]>([
      [null, /got null/],
      [[1], /got an array/],
      ['x', /got the string "x"/],
      [new Map(), /got an instance of Map/],
    ])('rejects options that are not a plain object (%p)', (options, message) => {
      expect(() => keyOf({ text: 't', operation: 'qa', options: options as Record<string, unknown> })).toThrow(message);
    });

    it('rejects options JSON cannot represent, naming the path', () => {
      const options = { model: { fn: () => 1 } };
      expect(() => keyOf({ text: 't', operation: 'qa', options })).toThrow(/options\.model\.fn: a function/);
      expect(() => keyOf({ text: 't', operation: 'qa', options: { n: NaN } })).toThrow(/options\.n: NaN/);
    });

    it('rejects a question that is not a string', () => {
      expect(() => keyOf({ text: 't', operation: 'qa', question: 1 as unknown as string })).toThrow(/AIRequest\.question/);
      expect(() => keyOf({ text: 't', operation: 'qa', question: null as unknown as string })).toThrow(TypeError);
    });

    it('rejects a request that is not an object, and an empty scope', () => {
      expect(() => hashedKeys.build(null as unknown as AIRequest)).toThrow(/must be an object, got null/);
      expect(() => keyOf({ text: 't', operation: 'qa' }, '')).toThrow(/scope/);
    });
  });
});
