import { compileGlob, escapeGlob, globToRegExp, toGlobSubject } from './glob';

describe('glob (Redis SCAN MATCH semantics)', () => {
  /**
   * Answers recorded from redis-server 7.0.15 (x86-64): SSCAN … MATCH `p:<pattern>` over the member
   * `p:<key>`, i.e. under a prefix, as the stores match. The oracle script also ran 2 × 360,000
   * random pattern/key pairs over `a b c * ? [ ] ^ - \ : é ÿ 中` with no disagreement.
   */
  const recordedFromRedis: Array<[pattern: string, key: string, matches: boolean]> = [
    ['ai:summarize:*', 'ai:summarize:abc', true],
    ['ai:summarize:*', 'ai:summarize_v2:abc', false],
    ['ai:summarize:*', 'ai:summarize:', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['caf?', 'café', false],
    ['caf??', 'café', true],
    ['caf?', 'cafe', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['h[a-b]llo', 'hcllo', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a[\\]]b', 'a]b', true],
    ['a\\', 'a\\', true],
    ['a[b', 'ab', true],
    ['a[bc', 'ac', true],
    ['a[', 'a', false],
    ['a[', 'ab', false],
    ['a[]b', 'ab', false],
    ['a[]b', 'a]b', false],
    ['a[^]', 'ax', true],
    ['a[a-]', 'a]', true],
    ['a[a-]', 'a^', true],
    ['a[a-]', 'a-', false],
    ['a[-a]', 'a-', true],
    ['*', '', true],
    ['**', 'x', true],
    ['a*', 'a', true],
    ['*a', 'ba', true],
    ['*a*b*c', 'xaybzc', true],
    ['*a*b*c', 'xaybzcd', false],
    ['', '', true],
    ['', 'x', false],
    ['[\u0001-z]', 'é', false],
    ['[a-ÿ]', 'ÿ', false],
  ];

  it.each(recordedFromRedis)('%j against %j → %s, as Redis answers', (pattern, key, matches) => {
    expect(compileGlob(pattern)(key)).toBe(matches);
  });

  it('tests RegExps on UTF-8 byte strings: identical to the key for ASCII, one char per byte otherwise', () => {
    expect(toGlobSubject('ai:qa:x')).toBe('ai:qa:x');
    expect(toGlobSubject('é')).toBe('\u00c3\u00a9');
    expect(globToRegExp('caf??').test(toGlobSubject('café'))).toBe(true);
    expect(globToRegExp('caf?').test(toGlobSubject('café'))).toBe(false);
  });

  it('anchors the match at both ends', () => {
    const matches = compileGlob('ai:qa');
    expect(matches('ai:qa')).toBe(true);
    expect(matches('xai:qa')).toBe(false);
    expect(matches('ai:qax')).toBe(false);
  });

  it('treats RegExp metacharacters in the pattern as literals', () => {
    const matches = compileGlob('a.b+(c)|d$');
    expect(matches('a.b+(c)|d$')).toBe(true);
    expect(matches('axb+(c)|d$')).toBe(false);
    expect(matches('abb(c)')).toBe(false);
  });

  it('compares range bounds as signed C chars: bytes >= 0x80 sort below ASCII', () => {
    // [\x01-z] leaves out every non-ASCII byte; the reversed [z-\x01] is the same range.
    expect(globToRegExp('[\u0001-z]').test('\u00c3')).toBe(false);
    expect(globToRegExp('[\u0001-z]').test('m')).toBe(true);
    expect(globToRegExp('[z-\u0001]').test('m')).toBe(true);
  });

  it('gives up on more than 1000 star groups followed by more pattern, as Redis recursion guard does', () => {
    const key = 'a'.repeat(1010);
    expect(compileGlob('*a'.repeat(1000))(key)).toBe(true);
    expect(compileGlob(`${'*a'.repeat(1000)}*`)(key)).toBe(true);
    expect(compileGlob('*a'.repeat(1001))(key)).toBe(false);
  });

  it('answers a backtracking-hostile pattern without exponential work (a hang would time the test out)', () => {
    const hostile = `${'*a'.repeat(40)}b`;
    expect(compileGlob(hostile)('a'.repeat(20000))).toBe(false);
    expect(compileGlob(hostile)(`${'a'.repeat(20000)}b`)).toBe(true);
  });

  describe('escapeGlob', () => {
    it('escapes * ? [ ] and \\ and nothing else', () => {
      expect(escapeGlob('a*b?c[d]e\\f:g-h^i')).toBe('a\\*b\\?c\\[d\\]e\\\\f:g-h^i');
    });

    it.each(['*', '?', '[abc]', '[^a]', 'a\\b', 'x[', '\\', 'plain', 'é*中?'])(
      'makes %j match exactly itself',
      (literal) => {
        const matches = compileGlob(escapeGlob(literal));
        expect(matches(literal)).toBe(true);
        for (const other of ['a', 'abc', 'x', `${literal}x`, `x${literal}`, literal.slice(1), '']) {
          if (other !== literal) expect(matches(other)).toBe(false);
        }
      },
    );

    it('embeds a literal in a larger pattern', () => {
      const matches = compileGlob(`ai:${escapeGlob('q[a]*')}:*`);
      expect(matches('ai:q[a]*:key')).toBe(true);
      expect(matches('ai:qa:key')).toBe(false);
      expect(matches('ai:q[a]xyz:key')).toBe(false);
    });
  });
});
