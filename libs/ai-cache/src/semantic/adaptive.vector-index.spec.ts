import { describeVectorIndexContract } from '../../../../test/support/vector-index.contract';
import { clusteredUnitVectors, row } from '../../../../test/support/seeded-vectors';
import { AdaptiveVectorIndex, DEFAULT_HNSW_CROSSOVER } from './adaptive.vector-index';

describeVectorIndexContract('AdaptiveVectorIndex (default crossover: brute force at these sizes)', (dimensions) => new AdaptiveVectorIndex({ dimensions }), { exact: true });
describeVectorIndexContract('AdaptiveVectorIndex (crossover 64: HNSW above it)', (dimensions) => new AdaptiveVectorIndex({ dimensions, crossover: 64 }), { exact: false });

const D = 16;
const vectors = clusteredUnitVectors(1000, D, 23, 50);
const vector = (i: number) => row(vectors, i, D);

describe('AdaptiveVectorIndex', () => {
  it('switches to HNSW once the graph holds every vector past the crossover, and back below half of it', async () => {
    const index = new AdaptiveVectorIndex({ dimensions: D, crossover: 100, migrationBatch: 4 });
    expect(index.hnswAvailable).toBe(true);
    for (let i = 0; i < 99; i++) await index.add(`k${i}`, vector(i));
    expect(index.kind).toBe('brute-force');
    const bruteBytes = index.bytes;
    await index.add('k99', vector(99));
    // The graph is being filled 4 + 1 vectors per add: still exact brute force meanwhile.
    expect(index.kind).toBe('brute-force');
    expect(index.bytes).toBeGreaterThan(bruteBytes);
    let adds = 100;
    while (index.kind === 'brute-force') await index.add(`k${adds}`, vector(adds++));
    // 100 vectors to migrate at 4 per add, plus each new one: about 25 adds.
    expect(adds).toBeGreaterThan(110);
    expect(adds).toBeLessThan(140);
    expect(await index.nearest(vector(7), 1)).toEqual({ id: 'k7', similarity: 1 });
    for (let i = 0; i < adds - 49; i++) await index.remove(`k${i}`);
    expect(index.size).toBe(49);
    expect(index.kind).toBe('brute-force');
    expect(index.bytes).toBeLessThan(bruteBytes);
    expect(await index.nearest(vector(adds - 1), 1)).toEqual({ id: `k${adds - 1}`, similarity: 1 });
  });

  it('never switches with crossover Infinity', async () => {
    const index = new AdaptiveVectorIndex({ dimensions: D, crossover: Infinity });
    for (let i = 0; i < 300; i++) await index.add(`k${i}`, vector(i));
    expect(index.kind).toBe('brute-force');
  });

  it('clears back to brute force', async () => {
    const index = new AdaptiveVectorIndex({ dimensions: D, crossover: 10 });
    for (let i = 0; i < 50; i++) await index.add(`k${i}`, vector(i));
    expect(index.kind).toBe('hnsw');
    await index.clear();
    expect([index.kind, index.size]).toEqual(['brute-force', 0]);
  });

  it('validates its options, naming them', () => {
    expect(DEFAULT_HNSW_CROSSOVER).toBeGreaterThan(0);
    expect(() => new AdaptiveVectorIndex({ dimensions: D, crossover: 0 })).toThrow('crossover must be a positive integer or Infinity (received 0)');
    expect(() => new AdaptiveVectorIndex({ dimensions: D, crossover: 1.5 })).toThrow('crossover must be a positive integer or Infinity (received 1.5)');
    expect(() => new AdaptiveVectorIndex({ dimensions: D, migrationBatch: 0 })).toThrow('migrationBatch must be a positive integer (received 0)');
    expect(() => new AdaptiveVectorIndex({ dimensions: D, expansionSearch: -1 })).toThrow('hnsw.expansionSearch must be an integer from 1 to 4096 (received -1)');
  });
});

describe('AdaptiveVectorIndex without usearch installed', () => {
  it('stays exact brute force at every size, and says so', async () => {
    let Adaptive: typeof AdaptiveVectorIndex | undefined;
    jest.isolateModules(() => {
      // The package made unloadable, as on a machine where it is not installed.
      jest.doMock('usearch', () => {
        throw Object.assign(new Error("Cannot find module 'usearch'"), { code: 'MODULE_NOT_FOUND' });
      });
      ({ AdaptiveVectorIndex: Adaptive } = jest.requireActual<typeof import('./adaptive.vector-index')>('./adaptive.vector-index'));
    });
    const index = new (Adaptive as typeof AdaptiveVectorIndex)({ dimensions: D, crossover: 10 });
    expect(index.hnswAvailable).toBe(false);
    for (let i = 0; i < 200; i++) await index.add(`k${i}`, vector(i));
    expect(index.kind).toBe('brute-force');
    expect(await index.nearest(vector(150), 1)).toEqual({ id: 'k150', similarity: 1 });
    jest.dontMock('usearch');
  });
});
