import { OperationSampleRing, type OperationSeriesRef } from './operation-sample.ring';

const hit: OperationSeriesRef = { kind: 'get', operation: 'summarize', tier: 'memory' };
const write: OperationSeriesRef = { kind: 'set', operation: 'generic', tier: 'redis' };

describe('OperationSampleRing', () => {
  it('keeps the newest samples up to its capacity, oldest first, with their series', () => {
    const ring = new OperationSampleRing(3);
    [1, 2, 3, 4, 5].forEach((at) => ring.push(at, at * 10, at % 2 === 0 ? write : hit));

    expect(ring.size).toBe(3);
    expect(ring.toArray()).toEqual([
      { at: 3, durationMs: 30, kind: 'get', operation: 'summarize', tier: 'memory' },
      { at: 4, durationMs: 40, kind: 'set', operation: 'generic', tier: 'redis' },
      { at: 5, durationMs: 50, kind: 'get', operation: 'summarize', tier: 'memory' },
    ]);
  });

  it('gives fresh objects: changing one read changes neither the ring nor the series', () => {
    const ring = new OperationSampleRing(2);
    ring.push(1, 0.5, hit);

    const [sample] = ring.toArray();
    sample.durationMs = 99;
    sample.operation = 'changed';

    expect(ring.toArray()[0]).toEqual({ at: 1, durationMs: 0.5, kind: 'get', operation: 'summarize', tier: 'memory' });
    expect(hit.operation).toBe('summarize');
  });

  it('drops samples at or before the cutoff from the oldest end, across wrap-around', () => {
    const ring = new OperationSampleRing(4);
    [1, 2, 3, 4, 5, 6].forEach((at) => ring.push(at, 1, hit));

    ring.dropAtOrBefore(4);
    expect(ring.toArray().map((s) => s.at)).toEqual([5, 6]);

    ring.push(7, 1, write);
    ring.push(8, 1, write);
    ring.push(9, 1, write);
    expect(ring.toArray().map((s) => s.at)).toEqual([6, 7, 8, 9]);

    ring.dropAtOrBefore(100);
    expect(ring.size).toBe(0);
    expect(ring.toArray()).toEqual([]);
  });

  it('clears, and fills again from empty', () => {
    const ring = new OperationSampleRing(2);
    ring.push(1, 1, hit);
    ring.push(2, 2, hit);
    ring.push(3, 3, hit);

    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.toArray()).toEqual([]);

    ring.push(4, 4, write);
    expect(ring.toArray()).toEqual([{ at: 4, durationMs: 4, kind: 'set', operation: 'generic', tier: 'redis' }]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new OperationSampleRing(0)).toThrow(RangeError);
    expect(() => new OperationSampleRing(1.5)).toThrow(RangeError);
  });
});
