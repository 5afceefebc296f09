import { max, mean, median, min, percentile } from './statistics';

describe('statistics', () => {
  const values = [5, 1, 4, 2, 3];

  it('computes mean, median, min and max', () => {
    expect(mean(values)).toBe(3);
    expect(median(values)).toBe(3);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(min(values)).toBe(1);
    expect(max(values)).toBe(5);
  });

  it('computes nearest-rank percentiles without reordering the input', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(hundred[0]).toBe(100);
  });

  it('returns 0 for no data', () => {
    for (const fn of [mean, median, min, max]) expect(fn([])).toBe(0);
    expect(percentile([], 99)).toBe(0);
  });
});
