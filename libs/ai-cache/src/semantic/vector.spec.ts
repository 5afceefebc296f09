import {
  MAX_VECTOR_DIMENSIONS,
  SIMILARITY_BELOW_ONE,
  VectorError,
  assertSimilarityThreshold,
  dotProduct,
  toUnitVector,
  unitSimilarity,
  unitSimilarityAt,
} from './vector';

const norm = (v: Float32Array) => Math.sqrt(Array.from(v).reduce((sum, x) => sum + x * x, 0));

describe('toUnitVector', () => {
  it('L2-normalises arrays, Float32Arrays and Float64Arrays into a new Float32Array', () => {
    for (const input of [[3, 4], Float32Array.of(3, 4), Float64Array.of(3, 4)]) {
      const unit = toUnitVector(input);
      expect(unit).toBeInstanceOf(Float32Array);
      expect(Array.from(unit)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
      expect(unit).not.toBe(input);
    }
  });

  it('never changes its input', () => {
    const input = Float32Array.of(1, 2, 3);
    toUnitVector(input);
    expect(Array.from(input)).toEqual([1, 2, 3]);
  });

  it('is idempotent: a unit vector comes back bit for bit', () => {
    const once = toUnitVector([0.1, -7, 3.3, 1e-3, 42]);
    const twice = toUnitVector(once);
    expect(twice).not.toBe(once);
    expect(Buffer.from(twice.buffer).equals(Buffer.from(once.buffer))).toBe(true);
  });

  it('keeps the direction of huge and tiny components (no overflow, no underflow)', () => {
    expect(Array.from(toUnitVector([3e200, 4e200]))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(toUnitVector([3e-200, 4e-200]))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(norm(toUnitVector(Float64Array.of(1e308, -1e308, 5)))).toBeCloseTo(1, 6);
  });

  it('rejects what has no usable direction, naming the argument', () => {
    expect(() => toUnitVector([0, 0, 0], undefined, 'embedding')).toThrow(new VectorError('embedding is all zeros: it has no direction to compare'));
    expect(() => toUnitVector([1, Number.NaN])).toThrow('vector[1] is not a finite number (received NaN)');
    expect(() => toUnitVector([1, Infinity])).toThrow('vector[1] is not a finite number (received Infinity)');
    expect(() => toUnitVector([1, '2' as unknown as number])).toThrow('vector[1] is not a finite number (received string)');
    expect(() => toUnitVector([])).toThrow(`vector must have 1 to ${MAX_VECTOR_DIMENSIONS} dimensions (received 0)`);
    expect(() => toUnitVector('1,2')).toThrow('vector must be an array of numbers or a Float32Array (received string)');
    expect(() => toUnitVector(null)).toThrow('(received null)');
    expect(() => toUnitVector(new Int8Array(3))).toThrow('(received an instance of Int8Array)');
  });

  it('checks the expected dimension', () => {
    expect(() => toUnitVector([1, 2, 3], 4, 'embedding')).toThrow('embedding has 3 dimensions, expected 4');
    expect(toUnitVector([1, 2, 3, 4], 4)).toHaveLength(4);
  });
});

describe('dotProduct', () => {
  it('covers every component for lengths that are and are not multiples of four', () => {
    for (const length of [1, 3, 4, 5, 8, 383, 384]) {
      const a = Float32Array.from({ length }, (_, i) => (i % 7) - 3);
      const b = Float32Array.from({ length }, (_, i) => (i % 5) + 0.5);
      const expected = Array.from(a).reduce((sum, x, i) => sum + x * b[i], 0);
      expect(dotProduct(a, 0, b)).toBeCloseTo(expected, 6);
    }
  });

  it('reads the stored vector at an offset', () => {
    const storage = Float32Array.of(9, 9, 1, 2, 3);
    expect(dotProduct(storage, 2, Float32Array.of(1, 1, 1))).toBe(6);
  });
});

describe('unitSimilarity', () => {
  it('is the cosine similarity of unit vectors', () => {
    const a = toUnitVector([1, 0]);
    const b = toUnitVector([1, 1]);
    expect(unitSimilarity(a, b)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(unitSimilarity(a, toUnitVector([-1, 0]))).toBe(-1);
    expect(unitSimilarity(a, toUnitVector([0, 1]))).toBe(0);
  });

  it('is exactly 1 for identical vectors and below 1 for any other pair, however close', () => {
    const a = toUnitVector(Array.from({ length: 384 }, (_, i) => Math.sin(i)));
    expect(unitSimilarity(a, a.slice())).toBe(1);
    const nudged = a.slice();
    // The smallest possible change of one component: the dot product rounds to 1, the vectors differ.
    nudged[7] = nudged[7] + Math.abs(nudged[7]) * 2 ** -23;
    expect(dotProduct(a, 0, nudged)).toBeGreaterThanOrEqual(SIMILARITY_BELOW_ONE - 1e-7);
    expect(unitSimilarity(a, nudged)).toBeLessThan(1);
    expect(unitSimilarity(a, nudged)).toBeLessThanOrEqual(SIMILARITY_BELOW_ONE);
  });

  it('never reports below -1', () => {
    const a = toUnitVector([1, 1e-3]);
    expect(unitSimilarity(a, Float32Array.from(a, (x) => -x))).toBeGreaterThanOrEqual(-1);
  });

  it('reads at an offset and refuses vectors of different lengths', () => {
    const storage = new Float32Array(4);
    storage.set(toUnitVector([0, 1]), 2);
    expect(unitSimilarityAt(storage, 2, toUnitVector([0, 1]))).toBe(1);
    expect(() => unitSimilarity(new Float32Array(2), new Float32Array(3))).toThrow('cannot compare vectors of 2 and 3 dimensions');
  });
});

describe('assertSimilarityThreshold', () => {
  it('returns the value given, including the edges', () => {
    for (const value of [-1, 0, 0.5, 0.95, 1]) expect(assertSimilarityThreshold(value)).toBe(value);
  });

  it('rejects anything else, naming the option', () => {
    expect(() => assertSimilarityThreshold(1.01, 'semantic.threshold')).toThrow(new RangeError('semantic.threshold must be a cosine similarity from -1 to 1 (received 1.01)'));
    expect(() => assertSimilarityThreshold(Number.NaN)).toThrow('minSimilarity must be a cosine similarity from -1 to 1 (received NaN)');
    expect(() => assertSimilarityThreshold(undefined)).toThrow('(received undefined)');
    expect(() => assertSimilarityThreshold('0.9')).toThrow('(received string)');
    expect(() => assertSimilarityThreshold(-1.5)).toThrow(RangeError);
  });
});
