/**
 * What every `VectorIndex` promises (see vector-index.interface.ts), as a reusable jest suite: each
 * implementation's spec runs it with its own factory. `exact` indexes must find the true nearest
 * vector every time; approximate ones may miss it, but never answer below the threshold, never
 * answer a removed vector, and always report the exact similarity of what they answer.
 */
import { VectorError, toUnitVector, unitSimilarity } from '../../libs/ai-cache/src/semantic/vector';
import type { VectorIndex } from '../../libs/ai-cache/src/semantic/vector-index.interface';
import { clusteredUnitVectors, nearby, row, seededRandom } from './seeded-vectors';

export function describeVectorIndexContract(name: string, create: (dimensions: number) => VectorIndex, options: { exact: boolean }): void {
  describe(`${name}: VectorIndex contract`, () => {
    const D = 32;
    const vectors = clusteredUnitVectors(600, D, 11, 40);
    const vector = (i: number) => row(vectors, i, D);

    /** The true nearest of `ids` (by exact similarity). */
    const reference = (live: Map<string, Float32Array>, query: Float32Array) => {
      let best: { id: string; similarity: number } | undefined;
      for (const [id, stored] of live) {
        const similarity = unitSimilarity(stored, query);
        if (!best || similarity > best.similarity) best = { id, similarity };
      }
      return best;
    };

    it('answers nothing when empty, and the exact similarity of what it answers', async () => {
      const index = create(D);
      expect(await index.nearest(vector(0), -1)).toBeUndefined();
      await index.add('a', vector(0));
      await index.add('b', vector(1));
      const query = nearby(vector(1), seededRandom(1), 0.05);
      expect(await index.nearest(query, 0)).toEqual({ id: 'b', similarity: unitSimilarity(vector(1), query) });
      expect([index.size, index.dimensions, index.bytes > 0]).toEqual([2, D, true]);
    });

    it('matches at a threshold equal to the similarity, and not just above it', async () => {
      const index = create(D);
      await index.add('a', vector(2));
      const query = nearby(vector(2), seededRandom(2), 0.2);
      const similarity = unitSimilarity(vector(2), query);
      expect(similarity).toBeLessThan(1);
      expect(await index.nearest(query, similarity)).toEqual({ id: 'a', similarity });
      expect(await index.nearest(query, similarity + 1e-12)).toBeUndefined();
      expect(await index.nearest(query, Math.min(1, similarity + 0.01))).toBeUndefined();
    });

    it('with minSimilarity 1, matches an identical vector only', async () => {
      const index = create(D);
      const stored = vector(3);
      const almost = stored.slice();
      new Int32Array(almost.buffer)[4] += 1; // one float32 ulp on one component
      await index.add('a', stored);
      expect(await index.nearest(stored.slice(), 1)).toEqual({ id: 'a', similarity: 1 });
      expect(unitSimilarity(stored, almost)).toBeGreaterThan(0.999999);
      expect(await index.nearest(almost, 1)).toBeUndefined();
    });

    it('rejects a threshold outside -1..1 or missing, and vectors of another length', async () => {
      const index = create(D);
      await index.add('a', vector(0));
      for (const bad of [Number.NaN, 1.0000001, -2, undefined, '0.9']) {
        await expect(index.nearest(vector(0), bad as number)).rejects.toThrow(RangeError);
      }
      await expect(index.nearest(toUnitVector([1, 2, 3]), 0.5)).rejects.toThrow(VectorError);
      await expect(index.add('b', toUnitVector([1, 2, 3]))).rejects.toThrow(VectorError);
      expect(index.size).toBe(1);
    });

    it('keeps its own copy, replaces a vector added again under the same id, and removes', async () => {
      const index = create(D);
      const input = vector(4).slice();
      await index.add('a', input);
      input.set(vector(5));
      expect((await index.nearest(vector(4), 0.999))?.id).toBe('a');
      await index.add('a', vector(6));
      expect(index.size).toBe(1);
      expect(await index.nearest(vector(4), 1)).toBeUndefined();
      expect(await index.nearest(vector(6), 1)).toEqual({ id: 'a', similarity: 1 });
      expect(await index.remove('a')).toBe(true);
      expect(await index.remove('a')).toBe(false);
      expect(await index.nearest(vector(6), -1)).toBeUndefined();
      await index.add('b', vector(7));
      await index.clear();
      expect([index.size, await index.nearest(vector(7), -1)]).toEqual([0, undefined]);
    });

    it(`finds the nearest vector ${options.exact ? 'every time' : 'almost every time, never a wrong one'} through adds, replacements and removals`, async () => {
      const index = create(D);
      const live = new Map<string, Float32Array>();
      const random = seededRandom(5);
      let agreed = 0;
      let answered = 0;
      for (let step = 0; step < 1500; step++) {
        const i = Math.floor(random() * 600);
        const id = `k${Math.floor(random() * 400)}`;
        const action = random();
        if (action < 0.55) {
          await index.add(id, vector(i));
          live.set(id, vector(i));
        } else if (action < 0.75) {
          expect(await index.remove(id)).toBe(live.delete(id));
        } else {
          const query = nearby(vector(i), random, 0.3);
          const expected = reference(live, query);
          const minSimilarity = 0.5;
          const match = await index.nearest(query, minSimilarity);
          if (match) {
            answered++;
            expect(live.has(match.id)).toBe(true);
            expect(match.similarity).toBe(unitSimilarity(live.get(match.id) as Float32Array, query));
            expect(match.similarity).toBeGreaterThanOrEqual(minSimilarity);
          }
          const expectedAnswer = expected && expected.similarity >= minSimilarity ? expected : undefined;
          // Two ids may hold the same vector: ties are compared by similarity.
          if (options.exact) expect(match?.similarity).toBe(expectedAnswer?.similarity);
          if (match?.similarity === expectedAnswer?.similarity) agreed++;
        }
        expect(index.size).toBe(live.size);
      }
      expect(answered).toBeGreaterThan(100);
      if (!options.exact) expect(agreed / answered).toBeGreaterThan(0.95);
    });
  });
}
