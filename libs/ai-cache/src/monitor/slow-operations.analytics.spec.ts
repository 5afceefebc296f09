import { findSlowOperations } from './slow-operations.analytics';
import type { CacheOperationSample } from './monitor.types';

const T0 = Date.UTC(2026, 0, 1);

function lookup(at: number, durationMs: number): CacheOperationSample {
  return { at, durationMs, kind: 'get', operation: 'qa', tier: 'redis' };
}

describe('findSlowOperations', () => {
  const none = { keyGenerations: [], cacheOperations: [], compressions: [] };

  it('finds nothing in empty series', () => {
    expect(findSlowOperations(none, 2)).toEqual({ keyGeneration: [], cacheOperations: [], compression: [] });
  });

  it('lists the samples slower than multiplier × mean, oldest first, with how many times slower', () => {
    // Mean 2.5 ms: with ×2, only what is above 5 ms.
    const cacheOperations = [lookup(T0, 1), lookup(T0 + 1, 1), lookup(T0 + 2, 7), lookup(T0 + 3, 1)];
    const slow = findSlowOperations({ ...none, cacheOperations }, 2);
    expect(slow.cacheOperations).toEqual([
      { duration: 7, operationType: 'get', operation: 'qa', tier: 'redis', timestamp: new Date(T0 + 2).toISOString(), timesSlower: 2.8 },
    ]);
    expect(findSlowOperations({ ...none, cacheOperations }, 1).cacheOperations).toHaveLength(1);
    expect(findSlowOperations({ ...none, cacheOperations }, 3).cacheOperations).toEqual([]);
  });

  it('covers key generation and compression with their own fields', () => {
    const slow = findSlowOperations(
      {
        keyGenerations: [
          { at: T0, durationMs: 0.1, textLength: 10, textTier: 'small', operation: 'qa' },
          { at: T0 + 1, durationMs: 0.1, textLength: 10, textTier: 'small', operation: 'qa' },
          { at: T0 + 2, durationMs: 1, textLength: 90_000, textTier: 'xlarge', operation: 'summarize' },
        ],
        cacheOperations: [],
        compressions: [
          { at: T0, originalBytes: 2000, compressedBytes: 500, durationMs: 0.2 },
          { at: T0 + 1, originalBytes: 2000, compressedBytes: 500, durationMs: 0.2 },
          { at: T0 + 2, originalBytes: 900_000, compressedBytes: 300_000, durationMs: 5 },
        ],
      },
      2,
    );
    expect(slow.keyGeneration).toEqual([expect.objectContaining({ duration: 1, textLength: 90_000, textTier: 'xlarge', operationType: 'summarize' })]);
    expect(slow.compression).toEqual([expect.objectContaining({ compressionTime: 5, originalSize: 900_000, compressionRatio: 1 / 3 })]);
  });

  it('has no outliers when every duration is 0 (a coarse clock), and rejects a bad multiplier', () => {
    expect(findSlowOperations({ ...none, cacheOperations: [lookup(T0, 0), lookup(T0, 0)] }, 2).cacheOperations).toEqual([]);
    expect(() => findSlowOperations(none, 0)).toThrow(RangeError);
    expect(() => findSlowOperations(none, Number.NaN)).toThrow(RangeError);
  });
});
