/**
 * `createTestEmbedder()`: a deterministic, offline `embed` function for tests (ours and yours).
 *
 * It is NOT a semantic model. It hashes the words of a text (lower-cased, Unicode-normalised) and
 * their adjacent pairs into a fixed number of dimensions (feature hashing, with a sign per feature
 * so collisions cancel out on average), so texts that share many words come out similar, whatever
 * they mean: "the drug is safe" and "the drug is not safe" are close, and a paraphrase with other
 * words is far. Use it to exercise thresholds, scopes and plumbing; judge real matches with your
 * real embedding model (`npm run semantic:eval`).
 */
import { toUnitVector } from './vector';

export interface TestEmbedderOptions {
  /** Length of the vectors. Default 256. */
  dimensions?: number;
  /** Weight of each adjacent word pair relative to a single word. Default 0.5. */
  bigramWeight?: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

export function createTestEmbedder(options: TestEmbedderOptions = {}): (text: string) => Promise<Float32Array> {
  const dimensions = options.dimensions ?? 256;
  const bigramWeight = options.bigramWeight ?? 0.5;
  if (!Number.isInteger(dimensions) || dimensions < 2 || dimensions > 16_384) throw new RangeError(`dimensions must be an integer from 2 to 16384 (received ${dimensions})`);
  if (typeof bigramWeight !== 'number' || !Number.isFinite(bigramWeight) || bigramWeight < 0) throw new RangeError(`bigramWeight must be a finite number >= 0 (received ${bigramWeight})`);

  return async (text: string): Promise<Float32Array> => {
    if (typeof text !== 'string') throw new TypeError(`text must be a string (received ${typeof text})`);
    const words = text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
    if (words.length === 0) throw new RangeError('the test embedder needs at least one word (letters or digits) in the text');
    const vector = new Float64Array(dimensions);
    const addFeature = (feature: string, weight: number) => {
      const hash = fnv1a(feature);
      vector[hash % dimensions] += hash & 0x80000000 ? -weight : weight;
    };
    for (let i = 0; i < words.length; i++) {
      addFeature(`w:${words[i]}`, 1);
      if (i > 0 && bigramWeight > 0) addFeature(`b:${words[i - 1]} ${words[i]}`, bigramWeight);
    }
    // Features can cancel each other out exactly; the first word's own dimension then still gives a direction.
    if (vector.every((x) => x === 0)) vector[fnv1a(`w:${words[0]}`) % dimensions] = 1;
    return toUnitVector(vector);
  };
}

/** 32-bit FNV-1a over UTF-16 code units: tiny, fast, and the same on every platform. */
function fnv1a(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
