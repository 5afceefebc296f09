import { describeVectorIndexContract } from '../../../../test/support/vector-index.contract';
import { clusteredUnitVectors, nearby, row, seededRandom } from '../../../../test/support/seeded-vectors';
import { BruteForceVectorIndex } from './brute-force.vector-index';

describeVectorIndexContract('BruteForceVectorIndex (JavaScript scan)', (dimensions) => new BruteForceVectorIndex({ dimensions, accelerate: false }), { exact: true });
describeVectorIndexContract('BruteForceVectorIndex (usearch SIMD scan)', (dimensions) => new BruteForceVectorIndex({ dimensions }), { exact: true });

describe('BruteForceVectorIndex', () => {
  it('uses the SIMD kernel when usearch is installed, unless told not to', () => {
    expect(new BruteForceVectorIndex({ dimensions: 4 }).accelerated).toBe(true);
    expect(new BruteForceVectorIndex({ dimensions: 4, accelerate: false }).accelerated).toBe(false);
    expect(new BruteForceVectorIndex({ dimensions: 4 }).kind).toBe('brute-force');
  });

  it('answers the same match from both scans on 384-dimension vectors', async () => {
    const D = 384;
    const vectors = clusteredUnitVectors(2000, D, 21, 100);
    const js = new BruteForceVectorIndex({ dimensions: D, accelerate: false });
    const simd = new BruteForceVectorIndex({ dimensions: D });
    for (let i = 0; i < 2000; i++) {
      await js.add(`k${i}`, row(vectors, i, D));
      await simd.add(`k${i}`, row(vectors, i, D));
    }
    const random = seededRandom(9);
    for (let q = 0; q < 50; q++) {
      const query = nearby(row(vectors, Math.floor(random() * 2000), D), random);
      expect(await simd.nearest(query, 0.5)).toEqual(await js.nearest(query, 0.5));
    }
  });
});
