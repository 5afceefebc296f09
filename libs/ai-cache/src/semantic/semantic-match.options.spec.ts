import { CacheOptionsError } from '../cache-options.resolver';
import { DEFAULT_SEMANTIC_THRESHOLD, resolveSemanticOptions } from './semantic-match.options';
import { createTestEmbedder } from './test-embedder';

describe('resolveSemanticOptions', () => {
  const embed = createTestEmbedder();
  const base = { embed, model: 'text-embedding-3-small', operations: ['qa', 'summarize'] };

  it('is off when not given', () => {
    expect(resolveSemanticOptions(undefined)).toBeUndefined();
  });

  it('fills only what was not given', () => {
    expect(resolveSemanticOptions(base)).toEqual({ embed, model: 'text-embedding-3-small', threshold: DEFAULT_SEMANTIC_THRESHOLD, operations: new Set(['qa', 'summarize']), maxEntriesPerScope: 10_000 });
    expect(DEFAULT_SEMANTIC_THRESHOLD).toBe(0.95);
  });

  it('uses every value given as given, including threshold 1 (exact only) and low thresholds', () => {
    expect(resolveSemanticOptions({ ...base, threshold: 1, maxEntriesPerScope: 5 })).toMatchObject({ threshold: 1, maxEntriesPerScope: 5 });
    expect(resolveSemanticOptions({ ...base, threshold: 0.8 })?.threshold).toBe(0.8);
    expect(resolveSemanticOptions({ ...base, threshold: 0.999 })?.threshold).toBe(0.999);
  });

  it('refuses bad values, naming the option', () => {
    const cases: Array<[unknown, string]> = [
      ['yes', '`semantic`: expected an object'],
      [{ ...base, threshold: 0 }, '`semantic.threshold`: expected a cosine similarity greater than 0 and at most 1 (1 = exact only) (received 0)'],
      [{ ...base, threshold: 1.01 }, '`semantic.threshold`'],
      [{ ...base, threshold: Number.NaN }, '`semantic.threshold`'],
      [{ ...base, threshold: '0.9' }, '(received "0.9")'],
      [{ ...base, threshold: null }, '`semantic.threshold`'],
      [{ ...base, embed: 'openai' }, '`semantic.embed`: expected a function'],
      [{ ...base, model: '' }, '`semantic.model`'],
      [{ ...base, operations: [] }, '`semantic.operations`: expected a non-empty array'],
      [{ ...base, operations: ['qa', 'ai:*'] }, '`semantic.operations[1]`'],
      [{ ...base, maxEntriesPerScope: 0 }, '`semantic.maxEntriesPerScope`: expected a positive integer (received 0)'],
      [{ ...base, tresholds: 0.9 }, '`semantic.tresholds`: unknown option'],
    ];
    for (const [input, message] of cases) {
      expect(() => resolveSemanticOptions(input)).toThrow(CacheOptionsError);
      expect(() => resolveSemanticOptions(input)).toThrow(message);
    }
  });
});
