import { contentWords, rankKeywords, splitSentences, truncateAtWord, words } from './text-analysis';

describe('text analysis', () => {
  describe('splitSentences', () => {
    it('splits after sentence punctuation and at line breaks, collapsing whitespace', () => {
      expect(splitSentences('One.  Two!\tThree?\n- a bullet\n\nLast   one')).toEqual([
        'One.',
        'Two!',
        'Three?',
        '- a bullet',
        'Last one',
      ]);
    });

    it('keeps decimals and unpunctuated text whole, and returns nothing for blank text', () => {
      expect(splitSentences('Pi is 3.14 roughly')).toEqual(['Pi is 3.14 roughly']);
      expect(splitSentences('  \n ')).toEqual([]);
    });
  });

  it('words lower-cases, keeps contractions and non-Latin letters', () => {
    expect(words("It isn't GREAT, it’s Ça va 42!")).toEqual(['it', "isn't", 'great', "it's", 'ça', 'va', '42']);
  });

  it('contentWords drops stopwords and short words', () => {
    expect(contentWords('The cache is an important part of the system')).toEqual(['cache', 'important', 'part', 'system']);
  });

  it('rankKeywords orders by frequency, ties by first occurrence', () => {
    expect(rankKeywords('Redis stores keys. Memory stores keys too. Keys expire.')).toEqual([
      'keys',
      'stores',
      'redis',
      'memory',
      'expire',
    ]);
  });

  describe('truncateAtWord', () => {
    it('returns short text unchanged', () => {
      expect(truncateAtWord('short text', 10)).toBe('short text');
    });

    it('cuts at the last word boundary and never exceeds the limit', () => {
      const cut = truncateAtWord('the quick brown fox jumps', 12);
      expect(cut).toBe('the quick…');
      expect(cut.length).toBeLessThanOrEqual(12);
    });

    it('cuts inside a word when there is no boundary', () => {
      expect(truncateAtWord('abcdefghij', 5)).toBe('abcd…');
      expect(truncateAtWord('abcdefghij', 1)).toBe('…');
    });
  });
});
