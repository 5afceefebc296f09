import { EmbeddingCache } from './embedding.cache';

describe('EmbeddingCache', () => {
  it('keys by a SHA-256 of model and text: no text in the key, no sharing between models', () => {
    const cache = new EmbeddingCache('model-a', 1024 * 1024);
    const key = cache.keyOf('what is the refund policy?');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain('refund');
    expect(cache.keyOf('what is the refund policy?')).toBe(key);
    expect(new EmbeddingCache('model-b', 1024).keyOf('what is the refund policy?')).not.toBe(key);
    // Length-prefixed: moving characters between model and text changes the key.
    expect(new EmbeddingCache('ab', 1024).keyOf('c')).not.toBe(new EmbeddingCache('a', 1024).keyOf('bc'));
  });

  it('hands out copies, so callers cannot change what is cached', () => {
    const cache = new EmbeddingCache('m', 1024 * 1024);
    const vector = Float32Array.of(1, 2, 3);
    cache.set('k', vector);
    vector[0] = 9;
    const first = cache.get('k') as Float32Array;
    first[1] = 9;
    expect(Array.from(cache.get('k') as Float32Array)).toEqual([1, 2, 3]);
  });

  it('is bounded in bytes, least recently used out first', () => {
    const perEntry = 1024 * 4 + 128;
    const cache = new EmbeddingCache('m', perEntry * 3);
    for (let i = 0; i < 3; i++) cache.set(`k${i}`, new Float32Array(1024));
    cache.get('k0');
    cache.set('k3', new Float32Array(1024));
    expect([cache.get('k0') !== undefined, cache.get('k1'), cache.size, cache.bytes]).toEqual([true, undefined, 3, perEntry * 3]);
  });

  it('keeps nothing with maxBytes 0', () => {
    const cache = new EmbeddingCache('m', 0);
    cache.set('k', Float32Array.of(1));
    expect([cache.get('k'), cache.size, cache.bytes]).toEqual([undefined, 0, 0]);
  });
});
