import { extractTokenUsage } from './token-usage';

describe('extractTokenUsage', () => {
  it('reads the OpenAI shape, total included', () => {
    expect(extractTokenUsage({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 } })).toEqual({
      promptTokens: 12,
      completionTokens: 30,
      totalTokens: 42,
    });
  });

  it('reads camelCase usage (the demo model, Vercel AI SDK) and sums the total when it is absent', () => {
    expect(extractTokenUsage({ result: 'x', usage: { promptTokens: 7, completionTokens: 5 }, model: 'fake' })).toEqual({
      promptTokens: 7,
      completionTokens: 5,
      totalTokens: 12,
    });
  });

  it('reads tokenUsage, Anthropic input/output and Gemini usageMetadata', () => {
    expect(extractTokenUsage({ tokenUsage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } })).toEqual({
      promptTokens: 1,
      completionTokens: 2,
      totalTokens: 3,
    });
    expect(extractTokenUsage({ usage: { input_tokens: 10, output_tokens: 4 } })).toEqual({ promptTokens: 10, completionTokens: 4, totalTokens: 14 });
    expect(extractTokenUsage({ usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 9, totalTokenCount: 12 } })).toEqual({
      promptTokens: 3,
      completionTokens: 9,
      totalTokens: 12,
    });
  });

  it('keeps a total reported alone', () => {
    expect(extractTokenUsage({ usage: { total_tokens: 99 } })).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 99 });
  });

  it('finds nothing in values without usage, and ignores counts that are not finite non-negative numbers', () => {
    for (const value of [undefined, null, 'text', 42, ['usage'], { result: 'x' }, { usage: 'lots' }, { usage: { prompt_tokens: '12' } }]) {
      expect(extractTokenUsage(value)).toBeUndefined();
    }
    expect(extractTokenUsage({ usage: { prompt_tokens: -1, completion_tokens: Infinity, total_tokens: NaN } })).toBeUndefined();
    expect(extractTokenUsage({ usage: { prompt_tokens: 5, completion_tokens: -3 } })).toEqual({ promptTokens: 5, completionTokens: 0, totalTokens: 5 });
  });
});
