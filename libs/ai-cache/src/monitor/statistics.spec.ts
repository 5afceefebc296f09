import { countBy, groupBy, max, mean, median, min, percentOf, percentile, percentiles, sum } from './statistics';

describe('statistics', () => {
  const values = [5, 1, 4, 2, 3];

  it('computes mean, median, min, max and sum', () => {
    expect(mean(values)).toBe(3);
    expect(median(values)).toBe(3);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(min(values)).toBe(1);
    expect(max(values)).toBe(5);
    expect(sum(values)).toBe(15);
  });

  it('computes nearest-rank percentiles without reordering the input', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentiles(hundred, [50, 95, 99])).toEqual([50, 95, 99]);
    expect(percentiles([7, 3], [50, 99])).toEqual([3, 7]);
    expect(hundred[0]).toBe(100);
  });

  it('returns 0 for no data', () => {
    for (const fn of [mean, median, min, max, sum]) expect(fn([])).toBe(0);
    expect(percentile([], 99)).toBe(0);
    expect(percentiles([], [50, 99])).toEqual([0, 0]);
    expect(percentOf(3, 0)).toBe(0);
  });

  it('computes a percent of a whole', () => {
    expect(percentOf(1, 4)).toBe(25);
  });

  it('groups and counts in first-seen order', () => {
    const items = ['b1', 'a1', 'b2'];
    expect([...groupBy(items, (s) => s[0])]).toEqual([['b', ['b1', 'b2']], ['a', ['a1']]]);
    expect([...countBy(items, (s) => s[0])]).toEqual([['b', 2], ['a', 1]]);
  });
});
