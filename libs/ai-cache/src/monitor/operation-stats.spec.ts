import { OperationStats, OTHER_OPERATIONS_LABEL } from './operation-stats';

describe('OperationStats', () => {
  it('gives the first maxOperations distinct names their own label, and counts every later one as other', () => {
    const stats = new OperationStats(2);
    for (const operation of ['summarize', 'qa', 'translate', 'summarize', 'chat']) {
      const records = stats.recordsFor(operation);
      stats.countLookup(records, 'miss');
      stats.addDuration(records, 'get', 'miss', 1);
    }
    expect(stats.lookups()).toEqual({
      summarize: { memoryHits: 0, redisHits: 0, misses: 2 },
      qa: { memoryHits: 0, redisHits: 0, misses: 1 },
      [OTHER_OPERATIONS_LABEL]: { memoryHits: 0, redisHits: 0, misses: 2 },
    });
    expect(stats.totals().map((t) => [t.operation, t.count])).toEqual([
      ['summarize', 2],
      ['qa', 1],
      ['other', 2],
    ]);
    expect(stats.size).toBe(3);
    expect(stats.recordsFor('summarize').label).toBe('summarize');
    expect(stats.recordsFor('never-seen').label).toBe('other');
  });

  it('keeps at most maxOperations + 1 labels whatever the number of names', () => {
    const stats = new OperationStats(100);
    for (let i = 0; i < 10_000; i++) stats.countLookup(stats.recordsFor(`op_${i}`), 'memory');
    expect(stats.size).toBe(101);
    expect(Object.keys(stats.lookups())).toHaveLength(101);
    expect(stats.lookups().other.memoryHits).toBe(9_900);
    expect(stats.hitsByTier()).toEqual({ memory: 10_000, redis: 0 });
  });

  it('shares the label of an operation really named other with the overflow', () => {
    const stats = new OperationStats(1);
    stats.countLookup(stats.recordsFor('other'), 'memory');
    stats.countLookup(stats.recordsFor('qa'), 'redis');
    expect(stats.lookups()).toEqual({ other: { memoryHits: 1, redisHits: 1, misses: 0 } });
  });

  it('keeps a latency histogram per series, and starts over on clear()', () => {
    const stats = new OperationStats(10);
    const records = stats.recordsFor('qa');
    stats.addDuration(records, 'set', 'redis', 0.004);
    stats.addDuration(records, 'set', 'redis', 3);
    const [total] = stats.totals();
    expect(total).toMatchObject({ kind: 'set', operation: 'qa', tier: 'redis', count: 2, totalMs: 3.004 });
    expect(total.buckets[0]).toBe(1);
    expect(total.buckets[8]).toBe(1);
    expect(total.buckets.reduce((a, b) => a + b, 0)).toBe(2);
    expect(stats.operationCount()).toBe(2);
    stats.clear();
    expect(stats.totals()).toEqual([]);
    expect(stats.size).toBe(0);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new OperationStats(0)).toThrow(RangeError);
  });
});
