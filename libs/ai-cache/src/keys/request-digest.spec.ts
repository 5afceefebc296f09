import { createHash } from 'node:crypto';
import type { AIRequest } from '../interfaces/ai-request.interface';
import { keyOf, readableKeys, tiers } from './keys.spec-support';

describe('request digest (through CacheKeyBuilder)', () => {
  describe('encoding', () => {
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
});
