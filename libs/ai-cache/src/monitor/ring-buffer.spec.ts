import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps the newest items up to its capacity, oldest first', () => {
    const buffer = new RingBuffer<number>(3);
    [1, 2, 3, 4, 5].forEach((n) => buffer.push(n));
    expect(buffer.size).toBe(3);
    expect(buffer.toArray()).toEqual([3, 4, 5]);
  });

  it('drops stale items from the oldest end only', () => {
    const buffer = new RingBuffer<number>(4);
    [1, 2, 10, 3].forEach((n) => buffer.push(n));
    buffer.dropOldestWhile((n) => n < 5);
    expect(buffer.toArray()).toEqual([10, 3]);
    buffer.push(7);
    buffer.push(8);
    buffer.push(9);
    expect(buffer.toArray()).toEqual([3, 7, 8, 9]);
  });

  it('gives the newest item, across wrap-around', () => {
    const buffer = new RingBuffer<number>(2);
    expect(buffer.newest()).toBeUndefined();
    [1, 2, 3].forEach((n) => buffer.push(n));
    expect(buffer.newest()).toBe(3);
    buffer.dropOldestWhile(() => true);
    expect(buffer.newest()).toBeUndefined();
  });

  it('clears', () => {
    const buffer = new RingBuffer<string>(2);
    buffer.push('a');
    buffer.clear();
    expect(buffer.size).toBe(0);
    expect(buffer.toArray()).toEqual([]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});
