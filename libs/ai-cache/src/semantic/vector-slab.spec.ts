import { randomUnitVectors, row } from '../../../../test/support/seeded-vectors';
import { dotProduct, toUnitVector, unitSimilarity } from './vector';
import { VectorSlab } from './vector-slab';

const D = 8;

describe('VectorSlab', () => {
  const vectors = randomUnitVectors(200, D, 3);
  const vector = (i: number) => row(vectors, i, D);

  it('stores copies in consecutive slots and finds them by id', () => {
    const slab = new VectorSlab(D);
    const input = vector(0).slice();
    expect(slab.add('a', input)).toEqual({ slot: 0, replaced: false });
    expect(slab.add('b', vector(1))).toEqual({ slot: 1, replaced: false });
    input.fill(0);
    expect(slab.vectorAt(0)).toEqual(vector(0));
    expect([slab.size, slab.slotOf('b'), slab.idAt(1), slab.slotOf('zz')]).toEqual([2, 1, 'b', undefined]);
  });

  it('replaces the vector of an id in place', () => {
    const slab = new VectorSlab(D);
    slab.add('a', vector(0));
    slab.add('b', vector(1));
    expect(slab.add('a', vector(2))).toEqual({ slot: 0, replaced: true });
    expect(slab.size).toBe(2);
    expect(slab.vectorAt(0)).toEqual(vector(2));
  });

  it('removes by moving the last vector into the freed slot', () => {
    const slab = new VectorSlab(D);
    ['a', 'b', 'c', 'd'].forEach((id, i) => slab.add(id, vector(i)));
    expect(slab.remove('b')).toEqual({ slot: 1, movedFrom: 3 });
    expect([slab.idAt(1), slab.slotOf('d'), slab.slotOf('b'), slab.size]).toEqual(['d', 1, undefined, 3]);
    expect(slab.vectorAt(1)).toEqual(vector(3));
    expect(slab.remove('d')).toEqual({ slot: 1, movedFrom: 2 });
    expect(slab.remove('c')).toEqual({ slot: 1, movedFrom: undefined });
    expect(slab.remove('c')).toBeUndefined();
    expect([slab.size, slab.idAt(0)]).toEqual([1, 'a']);
  });

  it('grows and shrinks its storage without losing a vector', () => {
    const slab = new VectorSlab(D);
    for (let i = 0; i < 200; i++) slab.add(`k${i}`, vector(i));
    const grown = slab.storage.length;
    expect(grown).toBeGreaterThanOrEqual(200 * D);
    for (let i = 0; i < 190; i++) slab.remove(`k${i}`);
    expect(slab.storage.length).toBeLessThan(grown);
    expect(slab.storage.length).toBeLessThanOrEqual(4 * 16 * D);
    for (let i = 190; i < 200; i++) expect(slab.vectorAt(slab.slotOf(`k${i}`) as number)).toEqual(vector(i));
    slab.clear();
    expect([slab.size, slab.slotOf('k195')]).toEqual([0, undefined]);
  });

  it('finds the exact nearest vector', () => {
    const slab = new VectorSlab(D);
    for (let i = 0; i < 200; i++) slab.add(`k${i}`, vector(i));
    const query = toUnitVector(Float32Array.from(vector(17), (x, i) => x + (i % 2 ? 0.05 : -0.05)));
    let expected = -1;
    let best = -Infinity;
    for (let i = 0; i < 200; i++) {
      const similarity = unitSimilarity(vector(i), query);
      if (similarity > best) [best, expected] = [similarity, i];
    }
    const match = slab.nearest(query);
    expect(slab.idAt(match?.slot as number)).toBe(`k${expected}`);
    expect(match?.similarity).toBeCloseTo(best, 6);
    expect(new VectorSlab(D).nearest(query)).toBeUndefined();
  });

  it('prefers an identical vector to a different one whose dot product rounds as high or higher', () => {
    const slab = new VectorSlab(D);
    const exact = vector(5).slice();
    const selfDot = dotProduct(exact, 0, exact);
    // The smallest changes of one component that do not lower the dot product below the self-dot.
    let close: Float32Array | undefined;
    for (let i = 0; i < D * 2 && close === undefined; i++) {
      const candidate = exact.slice();
      const bits = new Int32Array(candidate.buffer);
      bits[i % D] += i < D ? 1 : -1;
      if (dotProduct(candidate, 0, exact) >= selfDot) close = candidate;
    }
    expect(close).toBeDefined();
    slab.add('close', close as Float32Array);
    slab.add('exact', exact);
    expect(slab.nearest(exact)).toEqual({ slot: 1, similarity: 1 });
    expect(slab.mostSimilarOf([0], exact).similarity).toBeLessThan(1);
  });

  it('accounts for its bytes and refuses vectors of the wrong length', () => {
    const slab = new VectorSlab(D);
    expect(slab.bytes).toBe(16 * D * 4);
    slab.add('abc', vector(0));
    expect(slab.bytes).toBe(16 * D * 4 + 64 + 3);
    expect(() => slab.add('x', new Float32Array(D + 1))).toThrow(`vector must be a Float32Array of ${D} dimensions (received ${D + 1} dimensions)`);
    expect(() => slab.nearest([1, 2] as unknown as Float32Array)).toThrow('(received not a Float32Array)');
    expect(() => new VectorSlab(0)).toThrow('dimensions must be a positive integer (received 0)');
  });
});
