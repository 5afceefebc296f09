import { FAKE_MODEL_NAME, FakeLlmClient, NO_ANSWER } from './fake-llm.client';

const ARTICLE =
  'Caching stores model answers so that repeated questions are cheap. ' +
  'A cache hit skips the model entirely. ' +
  'Redis keeps the cache shared between instances. ' +
  'The weather was cloudy on Tuesday.';

describe('FakeLlmClient', () => {
  const llm = new FakeLlmClient(0);

  it('is deterministic: the same request gives the same completion', async () => {
    for (const operation of ['summarize', 'sentiment', 'key_points', 'questions', 'qa'] as const) {
      const request = { operation, text: ARTICLE, question: 'What does a cache hit skip?' };
      expect(await llm.complete(request)).toEqual(await llm.complete(request));
    }
  });

  it('reports its model and token usage estimated as characters / 4', async () => {
    const completion = await llm.complete({ operation: 'qa', text: 'abcdefgh', question: 'abcd' });
    expect(completion.model).toBe(FAKE_MODEL_NAME);
    expect(completion.usage.promptTokens).toBe(3);
    expect(completion.usage.completionTokens).toBe(Math.ceil(completion.result.length / 4));
  });

  describe('summarize', () => {
    it('returns the leading whole sentences that fit in the default 200 characters', async () => {
      const sentences = Array.from({ length: 10 }, (_, i) => `Sentence number ${i} is here.`);
      const { result } = await llm.complete({ operation: 'summarize', text: sentences.join(' ') });
      // 7 sentences take 188 characters; an 8th would take 215.
      expect(result).toBe(sentences.slice(0, 7).join(' '));
    });

    it('respects options.max_length', async () => {
      const { result } = await llm.complete({ operation: 'summarize', text: ARTICLE, options: { max_length: 70 } });
      expect(result).toBe('Caching stores model answers so that repeated questions are cheap.');
    });

    it('cuts the first sentence when even it is longer than max_length', async () => {
      const { result } = await llm.complete({ operation: 'summarize', text: ARTICLE, options: { max_length: 20 } });
      expect(result).toBe('Caching stores…');
      expect(result.length).toBeLessThanOrEqual(20);
    });

    it('ignores a max_length that is not a positive integer', async () => {
      const fallback = await llm.complete({ operation: 'summarize', text: ARTICLE });
      for (const max_length of ['20', -5, 0, 2.5, null]) {
        expect(await llm.complete({ operation: 'summarize', text: ARTICLE, options: { max_length } })).toEqual(fallback);
      }
    });
  });

  describe('sentiment', () => {
    it.each([
      ['I love this library, it is fast and reliable.', 'positive'],
      ['Terrible docs, slow builds and a broken release.', 'negative'],
      ['The meeting is on Tuesday at noon.', 'neutral'],
      ['Good start, bad ending.', 'neutral'],
      ['This is not good.', 'negative'],
    ])('%s → %s', async (text, expected) => {
      const { result } = await llm.complete({ operation: 'sentiment', text });
      expect(result.sentiment).toBe(expected);
      expect(result.confidence).toBeGreaterThanOrEqual(0.5);
      expect(result.confidence).toBeLessThan(1);
    });

    it('is more confident with more evidence', async () => {
      const one = await llm.complete({ operation: 'sentiment', text: 'It is good.' });
      const three = await llm.complete({ operation: 'sentiment', text: 'Good, great and excellent.' });
      expect(three.result.confidence).toBeGreaterThan(one.result.confidence);
    });
  });

  describe('key_points', () => {
    it('returns the most informative sentences, in text order, 3 by default', async () => {
      const { result } = await llm.complete({ operation: 'key_points', text: ARTICLE });
      expect(result).toEqual([
        'Caching stores model answers so that repeated questions are cheap.',
        'A cache hit skips the model entirely.',
        'Redis keeps the cache shared between instances.',
      ]);
    });

    it('respects options.max_points', async () => {
      const { result } = await llm.complete({ operation: 'key_points', text: ARTICLE, options: { max_points: 1 } });
      expect(result).toEqual(['Caching stores model answers so that repeated questions are cheap.']);
    });
  });

  describe('questions', () => {
    it('asks about the most frequent keywords, as many as options.count', async () => {
      const { result } = await llm.complete({ operation: 'questions', text: ARTICLE, options: { count: 2 } });
      // "model" and "cache" both occur twice; "model" comes first in the text.
      expect(result).toEqual(['What does the text say about model?', 'Why does cache matter here?']);
    });

    it('asks a generic question when the text has no keywords', async () => {
      const { result } = await llm.complete({ operation: 'questions', text: 'It is.' });
      expect(result).toEqual(['What is the main point of the text?']);
    });
  });

  describe('qa', () => {
    it('answers with the sentence sharing the most words with the question', async () => {
      const { result } = await llm.complete({ operation: 'qa', text: ARTICLE, question: 'What keeps the cache shared?' });
      expect(result).toBe('Redis keeps the cache shared between instances.');
    });

    it('says so when no sentence shares a word with the question', async () => {
      const { result } = await llm.complete({ operation: 'qa', text: ARTICLE, question: 'Who won the football?' });
      expect(result).toBe(NO_ANSWER);
    });
  });

  it('waits its configured latency before answering', async () => {
    jest.useFakeTimers();
    try {
      let settled = false;
      const pending = new FakeLlmClient(300).complete({ operation: 'sentiment', text: 'good' }).then(() => (settled = true));
      await jest.advanceTimersByTimeAsync(299);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await pending;
      expect(settled).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
