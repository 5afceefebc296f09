/**
 * Reproducible vectors for the semantic-index specs and bench. Uniformly random vectors in hundreds
 * of dimensions are all nearly orthogonal to each other, unlike real embeddings, and they are the
 * worst case for HNSW; so besides `randomUnitVectors` there is `clusteredUnitVectors` (topics with
 * spread around them, as embeddings of many texts on a few subjects) and `nearby` (a paraphrase of
 * a stored text: close to it, not identical).
 */
import { toUnitVector } from '../../libs/ai-cache/src/semantic/vector';

/** A small seeded PRNG (mulberry32): the same seed gives the same numbers on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample (Box–Muller). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** `count` unit vectors, uniformly distributed on the sphere, in one flat array. */
export function randomUnitVectors(count: number, dimensions: number, seed = 1): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(count * dimensions);
  for (let v = 0; v < count; v++) {
    for (let i = 0; i < dimensions; i++) out[v * dimensions + i] = gaussian(random);
    normaliseInPlace(out, v * dimensions, dimensions);
  }
  return out;
}

/**
 * L2-normalises one row in place, without allocating (the memory bench measures what an index adds
 * to a process, and garbage left by generating its input would blur that).
 */
function normaliseInPlace(vectors: Float32Array, offset: number, dimensions: number): void {
  let squared = 0;
  for (let i = 0; i < dimensions; i++) squared += vectors[offset + i] * vectors[offset + i];
  const scale = 1 / Math.sqrt(squared);
  for (let i = 0; i < dimensions; i++) vectors[offset + i] *= scale;
}

/**
 * `count` unit vectors around `topics` random centres; `spread` is the noise norm relative to the
 * centre's (0.6: neighbours of one topic at cosine ~0.7, as texts on one subject).
 */
export function clusteredUnitVectors(count: number, dimensions: number, seed = 1, topics = 1000, spread = 0.6): Float32Array {
  const random = seededRandom(seed);
  const centres = randomUnitVectors(topics, dimensions, seed + 1);
  const out = new Float32Array(count * dimensions);
  const noise = spread / Math.sqrt(dimensions);
  for (let v = 0; v < count; v++) {
    const centre = Math.floor(random() * topics) * dimensions;
    for (let i = 0; i < dimensions; i++) out[v * dimensions + i] = centres[centre + i] + noise * gaussian(random);
    normaliseInPlace(out, v * dimensions, dimensions);
  }
  return out;
}

/** A unit vector near `vector` (relative noise `spread`: 0.3 gives cosine ~0.95). */
export function nearby(vector: Float32Array, random: () => number, spread = 0.3): Float32Array {
  const noise = spread / Math.sqrt(vector.length);
  return toUnitVector(Float64Array.from(vector, (x) => x + noise * gaussian(random)));
}

/** Row `index` of a flat array of `dimensions`-long vectors (a view). */
export function row(vectors: Float32Array, index: number, dimensions: number): Float32Array {
  return vectors.subarray(index * dimensions, (index + 1) * dimensions);
}
