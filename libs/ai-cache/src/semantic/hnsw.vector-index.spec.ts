import { describeVectorIndexContract } from '../../../../test/support/vector-index.contract';
import { clusteredUnitVectors, nearby, row, seededRandom } from '../../../../test/support/seeded-vectors';
import { BruteForceVectorIndex } from './brute-force.vector-index';
import { HnswVectorIndex } from './hnsw.vector-index';

describeVectorIndexContract('HnswVectorIndex', (dimensions) => new HnswVectorIndex({ dimensions }), { exact: false });

describe('HnswVectorIndex', () => {
  it('finds what brute force finds for paraphrase-like queries at 384 dimensions', async () => {
    const D = 384;
    const count = 3000;
    const vectors = clusteredUnitVectors(count, D, 31, 300);
    const hnsw = new HnswVectorIndex({ dimensions: D });
    const exact = new BruteForceVectorIndex({ dimensions: D });
    for (let i = 0; i < count; i++) {
      await hnsw.add(`k${i}`, row(vectors, i, D));
      await exact.add(`k${i}`, row(vectors, i, D));
    }
    const random = seededRandom(4);
    let same = 0;
    for (let q = 0; q < 200; q++) {
      const query = nearby(row(vectors, Math.floor(random() * count), D), random);
      const expected = await exact.nearest(query, 0.8);
      const match = await hnsw.nearest(query, 0.8);
      if (match) expect(match.similarity).toBeGreaterThanOrEqual(0.8);
      if (match?.id === expected?.id) same++;
    }
    expect(same).toBeGreaterThanOrEqual(196);
    expect(hnsw.kind).toBe('hnsw');
    // usearch keeps its own copy of each vector next to ours, plus the links.
    expect(hnsw.bytes).toBeGreaterThan(exact.bytes + count * D * 4);
  });

  it('validates its graph parameters, naming them', () => {
    expect(() => new HnswVectorIndex({ dimensions: 8, connectivity: 0 })).toThrow('hnsw.connectivity must be an integer from 1 to 4096 (received 0)');
    expect(() => new HnswVectorIndex({ dimensions: 8, candidates: 2.5 })).toThrow('hnsw.candidates must be an integer from 1 to 4096 (received 2.5)');
  });
});
