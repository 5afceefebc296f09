import { clusteredUnitVectors, row } from '../../../../test/support/seeded-vectors';
import { BruteForceVectorIndex } from './brute-force.vector-index';
import { DEFAULT_MAX_VECTOR_BYTES, type SemanticIndexRegistryOptions, type VectorEviction } from './semantic-index.options';
import { SemanticIndexRegistry } from './semantic-index.registry';
import { VectorError, toUnitVector } from './vector';
import type { VectorIndex } from './vector-index.interface';

const D = 8;
const vectors = clusteredUnitVectors(100, D, 41, 10);
const vector = (i: number) => row(vectors, i, D);

/** A registry with `options`, and the evictions it reported. */
function registryWith(options: Omit<SemanticIndexRegistryOptions, 'onEvict'>) {
  const evicted: VectorEviction[] = [];
  return { registry: new SemanticIndexRegistry({ ...options, onEvict: (e) => evicted.push(e) }), evicted };
}

describe('SemanticIndexRegistry', () => {
  it('never answers from another scope, whatever the similarity', async () => {
    const registry = new SemanticIndexRegistry();
    await registry.add('scope-a', 'k1', vector(0));
    expect(await registry.nearest('scope-a', vector(0), 1)).toEqual({ id: 'k1', similarity: 1 });
    expect(await registry.nearest('scope-b', vector(0), -1)).toBeUndefined();
    await registry.add('scope-b', 'k2', vector(1));
    expect(await registry.nearest('scope-b', vector(0), -1)).toEqual({ id: 'k2', similarity: expect.any(Number) });
    expect((await registry.nearest('scope-b', vector(0), -1))?.id).not.toBe('k1');
  });

  it('normalises what it is given, and answers the exact cosine similarity', async () => {
    const registry = new SemanticIndexRegistry();
    await registry.add('s', 'k', [3, 4, 0, 0, 0, 0, 0, 0]);
    expect(await registry.nearest('s', [6, 8, 0, 0, 0, 0, 0, 0], 1)).toEqual({ id: 'k', similarity: 1 });
    const match = await registry.nearest('s', [1, 0, 0, 0, 0, 0, 0, 0], 0.5);
    expect(match?.similarity).toBeCloseTo(0.6, 6);
    expect(await registry.nearest('s', [1, 0, 0, 0, 0, 0, 0, 0], 0.61)).toBeUndefined();
  });

  it('uses the threshold given, validated, and never a default', async () => {
    const registry = new SemanticIndexRegistry();
    await registry.add('s', 'k', vector(0));
    await expect(registry.nearest('s', vector(0), 1.5)).rejects.toThrow(RangeError);
    await expect(registry.nearest('unknown', vector(0), Number.NaN)).rejects.toThrow('minSimilarity must be a cosine similarity from -1 to 1 (received NaN)');
    await expect(registry.nearest('s', vector(0), undefined as unknown as number)).rejects.toThrow(RangeError);
  });

  it('fixes a scope to the dimensions of its first vector', async () => {
    const registry = new SemanticIndexRegistry();
    await registry.add('s', 'k', vector(0));
    await expect(registry.add('s', 'k2', [1, 2, 3])).rejects.toThrow(new VectorError('vector has 3 dimensions, expected 8'));
    await expect(registry.nearest('s', [1, 2, 3], 0.5)).rejects.toThrow(new VectorError('query has 3 dimensions, expected 8'));
    await expect(registry.add('s', 'k3', [0, 0, 0, 0, 0, 0, 0, 0])).rejects.toThrow(VectorError);
    await registry.add('other', 'k4', [1, 2, 3]);
    expect(registry.stats()).toMatchObject({ scopes: 2, vectors: 2, vectorBytes: (8 + 3) * 4 });
  });

  it('evicts the least recently used vector of a scope beyond maxEntriesPerScope', async () => {
    const { registry, evicted } = registryWith({ maxEntriesPerScope: 2 });
    await registry.add('s', 'a', vector(0));
    await registry.add('s', 'b', vector(1));
    expect(await registry.nearest('s', vector(0), 1)).toEqual({ id: 'a', similarity: 1 }); // a is now the most recent
    await registry.add('s', 'c', vector(2));
    expect(evicted).toEqual([{ scope: 's', id: 'b', reason: 'maxEntriesPerScope' }]);
    expect(registry.touch('a')).toBe(true);
    await registry.add('s', 'd', vector(3));
    expect(evicted[1]).toEqual({ scope: 's', id: 'c', reason: 'maxEntriesPerScope' });
    expect(await registry.nearest('s', vector(2), 1)).toBeUndefined();
    expect([registry.scopeOf('a'), registry.scopeOf('c'), registry.touch('c')]).toEqual(['s', undefined, false]);
    expect(registry.stats().evictions.maxEntriesPerScope).toBe(2);
  });

  it('drops the least recently used scope whole beyond maxScopes', async () => {
    const { registry, evicted } = registryWith({ maxScopes: 2 });
    await registry.add('s1', 'a', vector(0));
    await registry.add('s1', 'b', vector(1));
    await registry.add('s2', 'c', vector(2));
    await registry.nearest('s1', vector(0), 0.9); // s2 becomes the least recently used
    await registry.add('s3', 'd', vector(3));
    expect(evicted).toEqual([{ scope: 's2', id: 'c', reason: 'maxScopes' }]);
    expect([registry.hasScope('s1'), registry.hasScope('s2'), registry.hasScope('s3')]).toEqual([true, false, true]);
    expect(registry.stats()).toMatchObject({ scopes: 2, vectors: 3 });
  });

  it('bounds vectors and vector bytes across scopes, oldest of the least recently used scope first', async () => {
    const { registry, evicted } = registryWith({ maxVectors: 3 });
    await registry.add('s1', 'a', vector(0));
    await registry.add('s1', 'b', vector(1));
    await registry.add('s2', 'c', vector(2));
    await registry.add('s2', 'd', vector(3));
    expect(evicted).toEqual([{ scope: 's1', id: 'a', reason: 'maxVectors' }]);

    const byBytes = new SemanticIndexRegistry({ maxVectorBytes: 2 * D * 4, onEvict: (e) => evicted.push(e) });
    await byBytes.add('s1', 'a', vector(0));
    await byBytes.add('s2', 'b', vector(1));
    await byBytes.add('s2', 'c', vector(2));
    expect(evicted[1]).toEqual({ scope: 's1', id: 'a', reason: 'maxVectorBytes' });
    expect(byBytes.stats()).toMatchObject({ scopes: 1, vectors: 2, vectorBytes: 2 * D * 4 });
  });

  it('keeps ids unique: adding an id held by another scope moves it', async () => {
    const registry = new SemanticIndexRegistry();
    await registry.add('s1', 'k', vector(0));
    await registry.add('s2', 'k', vector(0));
    expect(await registry.nearest('s1', vector(0), -1)).toBeUndefined();
    expect(await registry.nearest('s2', vector(0), 1)).toEqual({ id: 'k', similarity: 1 });
    expect(registry.stats()).toMatchObject({ scopes: 1, vectors: 1 });
  });

  it('replaces the vector of an id added again to its scope', async () => {
    const registry = new SemanticIndexRegistry();
    await registry.add('s', 'k', vector(0));
    await registry.add('s', 'k', vector(5));
    expect(await registry.nearest('s', vector(0), 1)).toBeUndefined();
    expect(await registry.nearest('s', vector(5), 1)).toEqual({ id: 'k', similarity: 1 });
    expect(registry.stats()).toMatchObject({ vectors: 1, vectorBytes: D * 4 });
  });

  it('removes by scope and id, by id, by predicate, by scope and all, without calling onEvict', async () => {
    const onEvict = jest.fn();
    const registry = new SemanticIndexRegistry({ onEvict });
    const ids = ['ai:summarize:1', 'ai:summarize:2', 'ai:qa:1', 'ai:qa:2', 'ai:sentiment:1'];
    for (const [i, id] of ids.entries()) await registry.add(id.split(':')[1], id, vector(i));
    expect(await registry.remove('qa', 'ai:summarize:1')).toBe(false);
    expect(await registry.remove('summarize', 'ai:summarize:1')).toBe(true);
    expect(await registry.removeId('ai:qa:1')).toBe(true);
    expect(await registry.removeId('ai:qa:1')).toBe(false);
    expect(await registry.removeWhere((id) => id.startsWith('ai:summarize:'))).toBe(1);
    expect(registry.hasScope('summarize')).toBe(false); // emptied scopes are dropped
    expect(await registry.clearScope('qa')).toBe(1);
    expect(await registry.clearScope('qa')).toBe(0);
    expect(registry.stats()).toMatchObject({ scopes: 1, vectors: 1 });
    expect(await registry.clear()).toBe(1);
    expect(registry.stats()).toMatchObject({ scopes: 0, vectors: 0, vectorBytes: 0, bytes: 0 });
    expect(onEvict).not.toHaveBeenCalled();
  });

  it('never answers an expired vector: it is dropped, and the next best answers', async () => {
    let now = 1_000;
    const { registry, evicted } = registryWith({ now: () => now });
    const query = toUnitVector(Float32Array.from(vector(0), (x, i) => x + (i === 0 ? 0.01 : 0)));
    await registry.add('s', 'near', vector(0), { expiresAt: 2_000 });
    await registry.add('s', 'far', vector(1));
    expect((await registry.nearest('s', query, -1))?.id).toBe('near');
    now = 2_000;
    expect((await registry.nearest('s', query, -1))?.id).toBe('far');
    expect(evicted).toEqual([{ scope: 's', id: 'near', reason: 'expired' }]);
    expect(registry.scopeOf('near')).toBeUndefined();
  });

  it('sweeps a scope whose winners keep being expired', async () => {
    let now = 0;
    const registry = new SemanticIndexRegistry({ now: () => now });
    for (let i = 0; i < 20; i++) await registry.add('s', `k${i}`, vector(i), { expiresAt: 10 });
    await registry.add('s', 'live', vector(99));
    now = 10;
    expect((await registry.nearest('s', vector(0), -1))?.id).toBe('live');
    expect(registry.stats()).toMatchObject({ vectors: 1, evictions: { expired: 20 } });
  });

  it('issues index calls in the order of the changes, for asynchronous indexes', async () => {
    const calls: string[] = [];
    const recording = (dimensions: number): VectorIndex => {
      const inner = new BruteForceVectorIndex({ dimensions });
      return Object.assign(Object.create(inner) as VectorIndex, {
        add: (id: string, v: Float32Array) => (calls.push(`add ${id}`), inner.add(id, v)),
        remove: (id: string) => (calls.push(`remove ${id}`), inner.remove(id)),
        clear: () => (calls.push('clear'), inner.clear()),
      });
    };
    const registry = new SemanticIndexRegistry({ maxEntriesPerScope: 1, createIndex: recording });
    await Promise.all([registry.add('s', 'a', vector(0)), registry.add('s', 'b', vector(1)), registry.removeId('b')]);
    expect(calls).toEqual(['add a', 'add b', 'remove a', 'clear']);
  });

  it('reports its bounds and estimated bytes, and validates its options', async () => {
    const registry = new SemanticIndexRegistry({ createIndex: (dimensions) => new BruteForceVectorIndex({ dimensions }) });
    await registry.add('s', 'k', vector(0));
    const stats = registry.stats();
    expect(stats.limits).toEqual({ maxEntriesPerScope: 10_000, maxScopes: 10_000, maxVectors: 100_000, maxVectorBytes: DEFAULT_MAX_VECTOR_BYTES });
    expect(stats.bytes).toBeGreaterThanOrEqual(D * 4);
    expect(stats.hnswScopes).toBe(0);
    expect(() => new SemanticIndexRegistry({ maxEntriesPerScope: 0 })).toThrow('maxEntriesPerScope must be a positive integer (received 0)');
    expect(() => new SemanticIndexRegistry({ maxScopes: 1.5 })).toThrow('maxScopes must be a positive integer (received 1.5)');
    await expect(registry.add('', 'k', vector(0))).rejects.toThrow('scope must be a string of 1 to 256 characters (received 0 characters)');
    await expect(registry.add('s', 'x'.repeat(1025), vector(0))).rejects.toThrow('id must be a string of 1 to 1024 characters');
    await expect(registry.add('s', 'k', vector(0), { expiresAt: Number.NaN })).rejects.toThrow('expiresAt must be epoch milliseconds');
    const wrong = new SemanticIndexRegistry({ createIndex: () => new BruteForceVectorIndex({ dimensions: 3 }) });
    await expect(wrong.add('s', 'k', vector(0))).rejects.toThrow('createIndex(8) returned an index of 3 dimensions');
  });
});
