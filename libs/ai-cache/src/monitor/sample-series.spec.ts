import { SampleSeries } from './sample-series';

describe('SampleSeries', () => {
  const series = () => {
    const s = new (class extends SampleSeries<{ at: number }> {
      add(at: number) {
        this.samples.push({ at });
      }
    })(3);
    return s;
  };

  it('keeps the newest samples up to its capacity, oldest first', () => {
    const s = series();
    [1, 2, 3, 4].forEach((at) => s.add(at));
    expect([s.size, s.toArray()]).toEqual([3, [{ at: 2 }, { at: 3 }, { at: 4 }]]);
  });

  it('prunes the samples taken at or before the cutoff, and clears', () => {
    const s = series();
    [1, 2, 3].forEach((at) => s.add(at));
    s.prune(2);
    expect(s.toArray()).toEqual([{ at: 3 }]);
    s.clear();
    expect(s.size).toBe(0);
  });
});
