import { OPERATION_DESCRIPTIONS, TEXT_OPERATIONS, isTextOperation } from './text-operation';

describe('text operations', () => {
  it('uses exactly the names the library keys its per-operation TTLs by', () => {
    expect([...TEXT_OPERATIONS]).toEqual(['summarize', 'sentiment', 'key_points', 'questions', 'qa']);
  });

  it('recognises only those names', () => {
    for (const name of TEXT_OPERATIONS) expect(isTextOperation(name)).toBe(true);
    for (const other of ['Summarize', 'keyPoints', 'qa ', '', 42, undefined, null, {}]) {
      expect(isTextOperation(other)).toBe(false);
    }
  });

  it('describes every operation once, and only qa needs a question', () => {
    expect(OPERATION_DESCRIPTIONS.map((d) => d.name)).toEqual([...TEXT_OPERATIONS]);
    expect(OPERATION_DESCRIPTIONS.filter((d) => d.requiresQuestion).map((d) => d.name)).toEqual(['qa']);
  });
});
