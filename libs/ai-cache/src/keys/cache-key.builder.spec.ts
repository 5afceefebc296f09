import { createHash } from 'node:crypto';
import type { AIRequest } from '../interfaces/ai-request.interface';
import { compileGlob } from '../utils/glob';
import { assertValidOperation, CacheKeyBuilder, MAX_CACHE_KEY_LENGTH, MAX_OPERATION_LENGTH } from './cache-key.builder';

const tiers = { small: 500, medium: 5000, large: 50000 };
const hashedKeys = new CacheKeyBuilder({ textHashThreshold: 1000, textSizeTiers: tiers, readableKeys: false });
const readableKeys = new CacheKeyBuilder({ textHashThreshold: 1000, textSizeTiers: tiers, readableKeys: true });
const keyOf = (request: AIRequest, scope?: string) => hashedKeys.build(request, scope).key;

const DIGEST = '[A-Za-z0-9_-]{43}';
const SCOPE = 's\\.[A-Za-z0-9_-]{16}';

describe('CacheKeyBuilder', () => {
  describe('layout', () => {
    it('is ai:<operation>:<digest>, and ai:<operation>:s.<scope>:<digest> with a scope', () => {
      const request = { text: 'Some text', operation: 'summarize' };
      expect(keyOf(request)).toMatch(new RegExp(`^ai:summarize:${DIGEST}$`));
      expect(keyOf(request, 'tenant-1')).toMatch(new RegExp(`^ai:summarize:${SCOPE}:${DIGEST}$`));
    });

    it('hashes the documented encoding: tagged, length-prefixed fields, then the raw text', () => {
      const text = 'The quick brown fox';
      const expected = createHash('sha256')
        .update('nestjs-ai-cache:request:v1\n' + 'o9:summarize' + 'p11.0:{"max":100}' + 'q3.0:why' + 's-' + 't19:' + text)
        .digest('base64url');
      expect(keyOf({ text, operation: 'summarize', options: { max: 100 }, question: 'why' })).toBe(`ai:summarize:${expected}`);
    });

    it('hashes strings as latin1 up to their first character above U+00FF, then as UTF-16LE', () => {
      const text = 'café 中文 \ud800!';
      const expected = createHash('sha256')
        .update('nestjs-ai-cache:request:v1\n' + 'o2:qa' + 'p2.0:{}' + 'q2.4:', 'latin1')
        .update('\u00e9t', 'latin1')
        .update('\u4e2d\u2019', 'utf16le')
        .update('s-' + 't5:' + 'caf\u00e9 ', 'latin1')
        .update('中文 \ud800!', 'utf16le')
        .digest('base64url');
      expect(keyOf({ text, operation: 'qa', question: 'ét中’' })).toBe(`ai:qa:${expected}`);
    });

    it.each([
      ['a long latin1 text (hashed in its own update)', 'Déjà vu. '.repeat(1000)],
      ['a short text beyond latin1', 'naïve 中文'],
      ['a long text beyond latin1', `${'x'.repeat(5000)}中`],
    ])('hashes the same documented bytes for %s', (_name, text) => {
      const split = text.search(/[^\u0000-\u00ff]/) === -1 ? text.length : text.search(/[^\u0000-\u00ff]/);
      const expected = createHash('sha256')
        .update('nestjs-ai-cache:request:v1\n' + 'o9:summarize' + 'p9.0:{"n":"é"}' + 'q-' + 's-' + `t${split}:` + text.slice(0, split), 'latin1')
        .update(text.slice(split), 'utf16le')
        .digest('base64url');
      expect(keyOf({ text, operation: 'summarize', options: { n: 'é' } })).toBe(`ai:summarize:${expected}`);
    });

    it('reports the operation, the text length and its size tier', () => {
      expect(hashedKeys.build({ text: 'x'.repeat(42), operation: 'qa' })).toEqual({
        key: expect.stringMatching(/^ai:qa:/),
        operation: 'qa',
        textLength: 42,
        textTier: 'small',
      });
    });

    it.each([
      [499, 'small'],
      [500, 'medium'],
      [4999, 'medium'],
      [5000, 'large'],
      [49999, 'large'],
      [50000, 'xlarge'],
    ])('puts a %i-character text in the %s tier', (length, tier) => {
      expect(hashedKeys.build({ text: 'a'.repeat(length), operation: 'summarize' }).textTier).toBe(tier);
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

  describe('user text', () => {
    const marker = 'ZEBRA_MARKER_7731';

    it('never appears in keys by default', () => {
      for (const text of [marker, `${marker} ${'x'.repeat(5000)}`]) {
        const key = keyOf({ text, operation: 'qa', question: marker, options: { marker } }, marker);
        expect(key).not.toContain(marker);
        expect(key).not.toContain('ZEBRA');
      }
    });

    it('appears as an escaped preview of short texts with readableKeys', () => {
      const { key } = readableKeys.build({ text: 'Hi: *what* [is] a?b\\c', operation: 'qa' });
      expect(key).toMatch(new RegExp(`^ai:qa:Hi%3A%20%2Awhat%2A%20%5Bis%5D%20a%3Fb%5Cc\\.${DIGEST}$`));
    });

    it('escapes non-ASCII text as UTF-8 bytes and lone surrogates as %uXXXX', () => {
      expect(readableKeys.build({ text: 'é中😀', operation: 'qa' }).key).toMatch(/^ai:qa:%C3%A9%E4%B8%AD%F0%9F%98%80\./);
      expect(readableKeys.build({ text: 'a\ud800b', operation: 'qa' }).key).toMatch(/^ai:qa:a%uD800b\./);
    });

    it('keeps only the first 32 characters, without splitting a surrogate pair', () => {
      const text = `${'a'.repeat(31)}😀tail`;
      const { key } = readableKeys.build({ text, operation: 'qa' });
      expect(key).toMatch(new RegExp(`^ai:qa:${'a'.repeat(31)}\\.${DIGEST}$`));
      expect(readableKeys.build({ text: 'b'.repeat(40), operation: 'qa' }).key).toMatch(new RegExp(`^ai:qa:${'b'.repeat(32)}\\.`));
    });

    it('shows no preview for texts longer than textHashThreshold', () => {
      const short = new CacheKeyBuilder({ textHashThreshold: 10, textSizeTiers: tiers, readableKeys: true });
      expect(short.build({ text: 'x'.repeat(10), operation: 'qa' }).key).toMatch(new RegExp(`^ai:qa:x{10}\\.${DIGEST}$`));
      expect(short.build({ text: 'x'.repeat(11), operation: 'qa' }).key).toMatch(new RegExp(`^ai:qa:${DIGEST}$`));
    });

    it('keeps readable keys distinct for texts with the same preview', () => {
      const a = readableKeys.build({ text: `${'p'.repeat(32)}A`, operation: 'qa' }).key;
      const b = readableKeys.build({ text: `${'p'.repeat(32)}B`, operation: 'qa' }).key;
      expect(a).not.toBe(b);
    });

    it('never puts a colon or a glob character in a preview', () => {
      const text = ':*?[]\\.^-_ \t\n';
      const { key } = readableKeys.build({ text, operation: 'qa' });
      const preview = key.slice('ai:qa:'.length, key.lastIndexOf('.'));
      expect(preview).toMatch(/^[A-Za-z0-9_%-]*$/);
      expect(preview).toContain('-_');
    });
  });

  describe('pinned keys', () => {
    // Keys computed by the builder as it was before crypto.hash() and the flat-options fast path
    // (commit 3f76f76): any change to the bytes hashed shows up here, not as a silent re-keying.
    const BENCH_TEXT =
      'Large language models are often asked to summarize the same documents again and again. Caching their ' +
      'answers saves money and latency, as long as the cache key captures everything that changes the answer: ' +
      'the text, the operation, the model and its parameters, and nothing else. This text is 300 chars.';
    const BENCH_OPTIONS = { model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 512, language: 'en' };
    const NESTED_OPTIONS = {
      model: 'gpt-4o',
      params: { temperature: 0.7, stop: ['\n', 'END', '終'], nested: { b: [1, { y: null, x: true }, undefined], a: 'é' } },
      tags: ['a', 'б'],
      at: new Date('2024-01-02T03:04:05.000Z'),
    };
    const ODD_OPTIONS = {
      '\uffff': 1,
      '😀': 2,
      é: 3,
      B: 4,
      a: 5,
      '': 6,
      10: 7,
      9: 8,
      z: undefined,
      n: -0,
      big: 1e21,
      f: 0.1 + 0.2,
      t: true,
      nul: null,
      esc: 'q"\\\u0001\u2028',
    };
    const PINNED: Array<[string, AIRequest, string | undefined, string]> = [
      ['the benchmark request', { text: BENCH_TEXT, operation: 'summarize', options: BENCH_OPTIONS }, undefined, 'ai:summarize:S20qRkDoDwcVSPEcZjf88-tXwuOEZTYnU82tXBS7b_M'],
      ['the benchmark request, scoped', { text: BENCH_TEXT, operation: 'summarize', options: BENCH_OPTIONS }, 'tenant-42', 'ai:summarize:s.CnlmtPlMCvFWm8Be:Zzgxx856X2keLooxoHQbRl-vyRZHVL-uyn5ussSFm6w'],
      ['latin1 but not ASCII fields', { text: 'Café crème brûlée', operation: 'translate', options: { target: 'français' }, question: 'Où?' }, 'société', 'ai:translate:s.bWta_bk-LADt3pxk:ysrsxFS-vc--UsbAE6fGFY-4_VL4F4QPxQyLxdUyFTI'],
      ['text, question and scope beyond latin1, nested options', { text: 'Résumé: 東京の天気 😀 \ud800 end', operation: 'qa', question: '天気はどう？', options: NESTED_OPTIONS }, '租户-7', 'ai:qa:s.RzylidRIcvJjMc-s:nshWGsuGIwrBc73kpw7BM7Pwe72L1X_i4awlo9XvFlU'],
      ['odd option keys and values', { text: '', operation: 'qa', options: ODD_OPTIONS }, undefined, 'ai:qa:uJk5TapdtyQpHw46AUqXzYU4y-XktoUHVu27MW30KWg'],
      ['a question and empty options', { text: 'Hello', operation: 'qa', options: {}, question: 'Why?' }, undefined, 'ai:qa:yjKYnLtM5akyjcpsr7CXwrW_LQEWCeLUGlVaPmuR00I'],
      ['an ASCII text with a non-latin1 option', { text: 'plain ascii', operation: 'summarize', options: { language: '日本語' } }, undefined, 'ai:summarize:hcA25MMIkwiFJ9P7RlApwH536bCTn8Jip8meSFBc_Rc'],
      ['an ASCII request with a non-latin1 scope', { text: 'plain ascii', operation: 'summarize' }, '😀', 'ai:summarize:s.GxA7WxSuxtrIkxL2:Az5i2cG3qgngaeaSuuNb34cJ4Tr4mIkl9yh8NXo628w'],
      ['a 2,048-character ASCII text', { text: 'x'.repeat(2048), operation: 'summarize' }, undefined, 'ai:summarize:ykyNVXg99xaa_l-ZKnIGKSO7o84vW2EdNzNe75GyPiI'],
      ['a 2,049-character ASCII text', { text: 'x'.repeat(2049), operation: 'summarize' }, undefined, 'ai:summarize:bxn05DaHHDReBgXM1fm0KHVGk6d_8BdyicfsajIPf14'],
      ['a 3,000-character ASCII text', { text: 'abc '.repeat(750), operation: 'summarize', options: { n: 1 } }, undefined, 'ai:summarize:sM_wtuTGJ_avCebGCFv_QoOy1M3AF6Ze5nYeH5wYAVw'],
      ['a 3,000-character latin1 text', { text: 'é'.repeat(3000), operation: 'summarize' }, undefined, 'ai:summarize:EXhHrEbUP_yCiTyg3OWtdQLkfmCbxl_m15NX0rNb9IQ'],
      ['a 10,000-character ASCII text, scoped', { text: 'abcdefghij'.repeat(1000), operation: 'summarize', options: { n: 1 } }, 'scope', 'ai:summarize:s.x0JKeeiSOpEHe47x:Q93IRroInPBvXDU2VBV5SRcfMmGqgy9adZ0ewLadQOs'],
      ['a 10,000-character text ending beyond latin1', { text: `${'abcdefghij'.repeat(1000)}中`, operation: 'summarize' }, undefined, 'ai:summarize:5nD-X5ha0VDB0kb7zyvSl2WdRUntJL5kCgMjrCUc6yw'],
    ];

    it.each(PINNED)('keeps the key of %s', (_name, request, scope, expected) => {
      expect(keyOf(request, scope)).toBe(expected);
    });

    it('keeps readable keys', () => {
      expect(readableKeys.build(PINNED[0][1]).key).toBe(
        'ai:summarize:Large%20language%20models%20are%20often%20.S20qRkDoDwcVSPEcZjf88-tXwuOEZTYnU82tXBS7b_M',
      );
      expect(readableKeys.build(PINNED[3][1], PINNED[3][2]).key).toBe(
        'ai:qa:s.RzylidRIcvJjMc-s:R%C3%A9sum%C3%A9%3A%20%E6%9D%B1%E4%BA%AC%E3%81%AE%E5%A4%A9%E6%B0%97%20%F0%9F%98%80%20%uD800%20end.nshWGsuGIwrBc73kpw7BM7Pwe72L1X_i4awlo9XvFlU',
      );
    });

    it('keeps them on a runtime without the one-shot crypto.hash()', () => {
      jest.isolateModules(() => {
        jest.doMock('node:crypto', () => ({ ...jest.requireActual<typeof import('node:crypto')>('node:crypto'), hash: undefined }));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { CacheKeyBuilder: Builder } = require('./cache-key.builder') as typeof import('./cache-key.builder');
        const builder = new Builder({ textHashThreshold: 1000, textSizeTiers: tiers, readableKeys: false });
        for (const [, request, scope, expected] of PINNED) expect(builder.build(request, scope).key).toBe(expected);
      });
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
