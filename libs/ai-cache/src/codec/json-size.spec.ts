import { jsonBytesAtLeast } from './json-size';

describe('jsonBytesAtLeast', () => {
  it.each([
    ['a string', 'héllo wörld'],
    ['a chat completion', { id: 'x', choices: [{ message: { role: 'assistant', content: 'Hi 👋' } }], usage: { total_tokens: 3 }, n: null, ok: true }],
    ['nested arrays', [[1, 2, [3, 'four']], [], {}]],
    ['an empty object', {}],
  ])('never exceeds the real size for %s', (_name, value) => {
    expect(jsonBytesAtLeast(value, Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(Buffer.byteLength(JSON.stringify(value)));
  });

  it('stops early past the limit, without visiting the rest', () => {
    const huge = 'x'.repeat(20 * 1024 * 1024);
    const value = { first: huge, rest: Array.from({ length: 1e5 }, (_, i) => ({ i })) };
    const bound = jsonBytesAtLeast(value, 1024 * 1024);
    expect(bound).toBeGreaterThan(1024 * 1024);
    expect(bound).toBeLessThan(21 * 1024 * 1024);
  });
});
