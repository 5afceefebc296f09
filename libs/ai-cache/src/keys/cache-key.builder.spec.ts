import type { AIRequest } from '../interfaces/ai-request.interface';
import { compileGlob } from '../utils/glob';
import { CacheKeyBuilder, MAX_CACHE_KEY_LENGTH } from './cache-key.builder';
import { DIGEST, hashedKeys, keyOf, readableKeys, SCOPE, tiers } from './keys.spec-support';
import { MAX_OPERATION_LENGTH } from './request-validation';

describe('CacheKeyBuilder', () => {
  describe('layout', () => {
    it('is ai:<operation>:<digest>, and ai:<operation>:s.<scope>:<digest> with a scope', () => {
      const request = { text: 'Some text', operation: 'summarize' };
      expect(keyOf(request)).toMatch(new RegExp(`^ai:summarize:${DIGEST}$`));
      expect(keyOf(request, 'tenant-1')).toMatch(new RegExp(`^ai:summarize:${SCOPE}:${DIGEST}$`));
    });

    it('reports the operation, the text length and its size tier', () => {
      expect(hashedKeys.build({ text: 'x'.repeat(42), operation: 'qa' })).toEqual({
        key: expect.stringMatching(/^ai:qa:/),
        operation: 'qa',
        textLength: 42,
        textTier: 'small',
      });
    });

    it('puts each text in the size tier of its length', () => {
      const lengths = [499, 500, 4999, 5000, 49999, 50000];
      expect(lengths.map((length) => hashedKeys.build({ text: 'a'.repeat(length), operation: 'summarize' }).textTier)).toEqual([
        'small',
        'medium',
        'medium',
        'large',
        'large',
        'xlarge',
      ]);
    });
  });

  describe('same request, same key', () => {
    const base = { text: 'Hello', operation: 'summarize' };

    it('is deterministic across builders and object identities', () => {
      const other = new CacheKeyBuilder({ textHashThreshold: 1000, textSizeTiers: tiers, readableKeys: false });
      expect(keyOf({ ...base, options: { a: 1 } })).toBe(other.build({ ...base, options: { a: 1 } }).key);
    });

    it('ignores option key order at every depth', () => {
      const a = { model: { name: 'm', params: { temperature: 0.2, top_p: 1, stop: ['a', 'b'] } }, max_length: 100 };
      const b = { max_length: 100, model: { params: { stop: ['a', 'b'], top_p: 1, temperature: 0.2 }, name: 'm' } };
      expect(keyOf({ ...base, options: a })).toBe(keyOf({ ...base, options: b }));
    });

    it('treats undefined options, {} and no options alike, and drops undefined option values', () => {
      expect(keyOf({ ...base, options: {} })).toBe(keyOf(base));
      expect(keyOf({ ...base, options: undefined })).toBe(keyOf(base));
      expect(keyOf({ ...base, options: { a: 1, b: undefined } })).toBe(keyOf({ ...base, options: { a: 1 } }));
    });

    it('treats question: undefined and no question alike', () => {
      expect(keyOf({ ...base, question: undefined })).toBe(keyOf(base));
    });
  });

  describe('distinct requests, distinct keys', () => {
    const base: AIRequest = { text: 'Hello world', operation: 'qa', options: { n: 1 }, question: 'Who?' };

    it.each<[string, AIRequest]>([
      ['operation', { ...base, operation: 'summarize' }],
      ['text', { ...base, text: 'Hello world!' }],
      ['options', { ...base, options: { n: 2 } }],
      ['option type: 1 vs "1"', { ...base, options: { n: '1' } }],
      ['nested option', { ...base, options: { n: 1, m: { k: 1 } } }],
      ['array order in options', { ...base, options: { n: [1, 2] } }],
      ['question', { ...base, question: 'Why?' }],
      ['no question', { ...base, question: undefined }],
      ['empty question', { ...base, question: '' }],
    ])('differs when the %s differs', (_label, other) => {
      expect(keyOf(other)).not.toBe(keyOf(base));
    });

    it('keeps { n: 1 } and { n: "1" } apart, and [1, 2] and [2, 1]', () => {
      expect(keyOf({ text: 't', operation: 'qa', options: { n: 1 } })).not.toBe(keyOf({ text: 't', operation: 'qa', options: { n: '1' } }));
      expect(keyOf({ text: 't', operation: 'qa', options: { n: [1, 2] } })).not.toBe(
        keyOf({ text: 't', operation: 'qa', options: { n: [2, 1] } }),
      );
    });

    it('never lets bytes slide from one field into the next', () => {
      const keys = [
        keyOf({ operation: 'qa', question: 'ab', text: 'c' }),
        keyOf({ operation: 'qa', question: 'a', text: 'bc' }),
        keyOf({ operation: 'qa', question: '', text: 'abc' }),
        keyOf({ operation: 'qa', text: 'abc' }),
        keyOf({ operation: 'qa', text: 'q-abc' }),
        keyOf({ operation: 'qa', options: { a: 'b' }, text: '' }),
        keyOf({ operation: 'qa', options: { a: '' }, text: 'b' }),
        keyOf({ operation: 'qa', question: '{"a":"b"}', text: '' }),
      ];
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('keeps texts and questions with lone surrogates apart from their U+FFFD lookalikes', () => {
      expect(keyOf({ operation: 'qa', text: 'a\ud800' })).not.toBe(keyOf({ operation: 'qa', text: 'a\ufffd' }));
      expect(keyOf({ operation: 'qa', text: '\ud800' })).not.toBe(keyOf({ operation: 'qa', text: '\udc00' }));
      expect(keyOf({ operation: 'qa', text: 't', question: '\ud800' })).not.toBe(
        keyOf({ operation: 'qa', text: 't', question: '\ufffd' }),
      );
      expect(keyOf({ operation: 'qa', text: '' }, '\ud800')).not.toBe(keyOf({ operation: 'qa', text: '' }, '\ufffd'));
    });

    it('gives each scope its own keys, and keeps them apart from unscoped ones', () => {
      const request = { text: 't', operation: 'qa' };
      const keys = [keyOf(request), keyOf(request, 'a'), keyOf(request, 'b'), keyOf(request, 'ab')];
      expect(new Set(keys).size).toBe(keys.length);
    });
  });


  describe('key length', () => {
    const longOperation = 'o'.repeat(MAX_OPERATION_LENGTH);

    it('stays bounded for a 1 MB text and the longest operation', () => {
      const text = 'x'.repeat(1024 * 1024);
      const hashed = hashedKeys.build({ text, operation: longOperation, question: text, options: { text } }, text).key;
      expect(hashed.length).toBe(3 + 64 + 1 + 19 + 43);
      const readable = readableKeys.build({ text, operation: longOperation }, 'tenant').key;
      expect(readable.length).toBeLessThanOrEqual(MAX_CACHE_KEY_LENGTH);
    });

    it('reaches MAX_CACHE_KEY_LENGTH, and no more, with the widest preview', () => {
      const { key } = readableKeys.build({ text: '中'.repeat(40), operation: longOperation }, 'tenant');
      expect(key.length).toBe(MAX_CACHE_KEY_LENGTH);
      expect(MAX_CACHE_KEY_LENGTH).toBe(419);
    });
  });

  describe('operationPattern', () => {
    const matchesOperation = (operation: string, key: string) => compileGlob(hashedKeys.operationPattern(operation))(key);

    it('is ai:<operation>:*', () => {
      expect(hashedKeys.operationPattern('summarize')).toBe('ai:summarize:*');
    });

    it('matches every key of the operation, scoped, unscoped or readable', () => {
      const request = { text: 'short text', operation: 'summarize' };
      for (const key of [keyOf(request), keyOf(request, 'tenant'), readableKeys.build(request).key, readableKeys.build(request, 't').key]) {
        expect(matchesOperation('summarize', key)).toBe(true);
      }
    });

    it('never matches another operation that shares a prefix', () => {
      for (const operation of ['summarize_v2', 'summarize.v2', 'summarize-v2', 'summarizer', 'Summarize']) {
        const request = { text: 'summarize', operation };
        expect(matchesOperation('summarize', keyOf(request))).toBe(false);
        expect(matchesOperation('summarize', keyOf(request, 'x'))).toBe(false);
        expect(matchesOperation('summarize', readableKeys.build(request).key)).toBe(false);
      }
    });

    it('with a scope, matches only that scope', () => {
      const request = { text: 't', operation: 'qa' };
      const matches = compileGlob(hashedKeys.operationPattern('qa', 'tenant-a'));
      expect(matches(keyOf(request, 'tenant-a'))).toBe(true);
      expect(matches(readableKeys.build(request, 'tenant-a').key)).toBe(true);
      expect(matches(keyOf(request, 'tenant-b'))).toBe(false);
      expect(matches(keyOf(request))).toBe(false);
    });

    it('rejects an invalid operation instead of building a broader pattern', () => {
      expect(() => hashedKeys.operationPattern('*')).toThrow(TypeError);
      expect(() => hashedKeys.operationPattern('')).toThrow(TypeError);
    });
  });

  describe('scopePattern', () => {
    it('matches every operation of that scope and nothing else', () => {
      const matches = compileGlob(hashedKeys.scopePattern('tenant-a'));
      expect(matches(keyOf({ text: 't', operation: 'qa' }, 'tenant-a'))).toBe(true);
      expect(matches(readableKeys.build({ text: 't', operation: 'summarize' }, 'tenant-a').key)).toBe(true);
      expect(matches(keyOf({ text: 't', operation: 'qa' }, 'tenant-b'))).toBe(false);
      expect(matches(keyOf({ text: 't', operation: 'qa' }))).toBe(false);
      expect(matches(readableKeys.build({ text: 's', operation: 'qa' }).key)).toBe(false);
    });

    it('requires a non-empty scope', () => {
      expect(() => hashedKeys.scopePattern('')).toThrow(TypeError);
      expect(() => hashedKeys.scopePattern(undefined as unknown as string)).toThrow(TypeError);
    });
  });
});
