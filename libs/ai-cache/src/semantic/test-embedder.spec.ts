import { createTestEmbedder } from './test-embedder';
import { unitSimilarity } from './vector';

describe('createTestEmbedder', () => {
  const embed = createTestEmbedder();

  it('is deterministic and returns unit vectors of the configured length', async () => {
    const a = await embed('How do I reset my password?');
    expect(a).toBeInstanceOf(Float32Array);
    expect(a).toHaveLength(256);
    expect(await embed('How do I reset my password?')).toEqual(a);
    expect(Math.hypot(...a)).toBeCloseTo(1, 6);
    expect(await createTestEmbedder({ dimensions: 64 })('x')).toHaveLength(64);
  });

  it('ignores case, punctuation and Unicode presentation forms', async () => {
    expect(unitSimilarity(await embed('Reset my PASSWORD!'), await embed('reset my password'))).toBe(1);
    expect(unitSimilarity(await embed('ｃａｆé'), await embed('café'))).toBe(1);
  });

  it('scores shared words, not meaning (which is why it is only for tests)', async () => {
    const base = await embed('the refund is processed within five days');
    const sameWords = await embed('the refund is not processed within five days');
    const paraphrase = await embed('money comes back to you in under a week');
    expect(unitSimilarity(base, sameWords)).toBeGreaterThan(0.8);
    expect(unitSimilarity(base, paraphrase)).toBeLessThan(0.3);
  });

  it('refuses texts without words and bad options', async () => {
    await expect(embed('?!')).rejects.toThrow('needs at least one word');
    await expect(embed(42 as unknown as string)).rejects.toThrow('text must be a string (received number)');
    expect(() => createTestEmbedder({ dimensions: 1 })).toThrow('dimensions must be an integer from 2 to 16384 (received 1)');
    expect(() => createTestEmbedder({ bigramWeight: -1 })).toThrow('bigramWeight must be a finite number >= 0 (received -1)');
  });
});
