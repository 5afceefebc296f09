/**
 * Vector helpers for semantic match. Every vector the indexes hold is a unit vector in a
 * `Float32Array` (half the memory of doubles, and what native indexes take), so that cosine
 * similarity is a plain dot product.
 */

/** What an `embed` function may return. */
export type EmbeddingVector = number[] | Float32Array;

/**
 * Longest vector accepted anywhere (validation and decoding). The largest common embedding models
 * have 3072–4096 dimensions; the bound keeps a corrupted header from asking for gigabytes.
 */
export const MAX_VECTOR_DIMENSIONS = 16_384;

/** The largest double below 1: the most a similarity between two different vectors may report. */
export const SIMILARITY_BELOW_ONE = 1 - Number.EPSILON / 2;

/**
 * How far from 1 the squared norm of a vector may be for it to count as already normalised.
 * Normalising into float32 leaves |‖v‖² − 1| ≤ ~1.2e-7; accepting those vectors unchanged makes
 * normalisation idempotent, so a vector read back from Redis is bit for bit the one that was written.
 */
const UNIT_NORM_TOLERANCE = 1e-6;

/** A vector that cannot be used: wrong type or length, a non-finite value, or no direction (all zeros). */
export class VectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VectorError';
  }
}

/**
 * Validates `vector` and returns it L2-normalised, as a new `Float32Array` (the input is never
 * kept or changed). `expectedDimensions`, when given, must match its length exactly.
 * Throws a `VectorError` naming `what` for anything else.
 */
export function toUnitVector(vector: unknown, expectedDimensions?: number, what = 'vector'): Float32Array {
  if (!(vector instanceof Float32Array) && !(vector instanceof Float64Array) && !Array.isArray(vector)) {
    throw new VectorError(`${what} must be an array of numbers or a Float32Array (received ${typeName(vector)})`);
  }
  const values = vector as ArrayLike<unknown>;
  const length = values.length;
  if (length === 0 || length > MAX_VECTOR_DIMENSIONS) {
    throw new VectorError(`${what} must have 1 to ${MAX_VECTOR_DIMENSIONS} dimensions (received ${length})`);
  }
  if (expectedDimensions !== undefined && length !== expectedDimensions) {
    throw new VectorError(`${what} has ${length} dimensions, expected ${expectedDimensions}`);
  }
  let maxAbs = 0;
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new VectorError(`${what}[${i}] is not a finite number (received ${typeof value === 'number' ? value : typeName(value)})`);
    }
    const abs = Math.abs(value);
    if (abs > maxAbs) maxAbs = abs;
  }
  if (maxAbs === 0) throw new VectorError(`${what} is all zeros: it has no direction to compare`);

  const numbers = values as ArrayLike<number>;
  if (vector instanceof Float32Array) {
    const squaredNorm = dotProduct(vector, 0, vector, length);
    if (Math.abs(squaredNorm - 1) <= UNIT_NORM_TOLERANCE) return vector.slice();
  }
  // Scaled by the largest component first, so that neither 1e200 (squares overflow) nor 1e-200
  // (squares underflow to 0) loses the direction.
  let squaredNorm = 0;
  for (let i = 0; i < length; i++) {
    const scaled = numbers[i] / maxAbs;
    squaredNorm += scaled * scaled;
  }
  const scale = 1 / (maxAbs * Math.sqrt(squaredNorm));
  const unit = new Float32Array(length);
  for (let i = 0; i < length; i++) unit[i] = numbers[i] * scale;
  return unit;
}

/**
 * Dot product of `query` with the `query.length` values of `storage` starting at `offset`
 * (accumulated in doubles, four lanes at a time: the fastest plain-JS form measured).
 */
export function dotProduct(storage: Float32Array, offset: number, query: Float32Array, length = query.length): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (const end = length - 3; i < end; i += 4) {
    const o = offset + i;
    s0 += storage[o] * query[i];
    s1 += storage[o + 1] * query[i + 1];
    s2 += storage[o + 2] * query[i + 2];
    s3 += storage[o + 3] * query[i + 3];
  }
  for (; i < length; i++) s0 += storage[offset + i] * query[i];
  return s0 + s1 + (s2 + s3);
}

/**
 * Cosine similarity of the unit vector stored at `offset` in `storage` and the unit vector `query`.
 * Exactly 1 only when both are identical bit for bit; any other pair reports less than 1 (rounding
 * can push a dot product of two close but different vectors to 1 or above), so that a threshold of
 * 1 means "this exact vector only". Never below -1.
 */
export function unitSimilarityAt(storage: Float32Array, offset: number, query: Float32Array): number {
  const dot = dotProduct(storage, offset, query);
  if (dot < 1 - 1e-4) return dot < -1 ? -1 : dot;
  for (let i = 0; i < query.length; i++) {
    if (storage[offset + i] !== query[i]) return dot < SIMILARITY_BELOW_ONE ? dot : SIMILARITY_BELOW_ONE;
  }
  return 1;
}

/** Cosine similarity of two unit vectors of the same length (see `unitSimilarityAt`). */
export function unitSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new VectorError(`cannot compare vectors of ${a.length} and ${b.length} dimensions`);
  return unitSimilarityAt(a, 0, b);
}

/**
 * A similarity threshold as given: a finite number from -1 to 1, never replaced by a default.
 * Throws a `RangeError` naming `name` otherwise.
 */
export function assertSimilarityThreshold(value: unknown, name = 'minSimilarity'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < -1 || value > 1) {
    throw new RangeError(`${name} must be a cosine similarity from -1 to 1 (received ${typeof value === 'number' ? value : typeName(value)})`);
  }
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an instance of ${(value as object).constructor?.name ?? 'Object'}`;
  return typeof value;
}
