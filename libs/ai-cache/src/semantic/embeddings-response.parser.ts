/**
 * The answer of an OpenAI-compatible `/embeddings` endpoint, checked before any of it is used:
 * `{ data: [{ index, embedding }] }` with one embedding per input, each a list of finite numbers
 * (or base64 little-endian float32, the `encoding_format: 'base64'` form) of the expected length.
 * Anything else is an `EmbeddingError`: a server's bad answer is a miss, never a wrong match.
 */
import { EmbeddingError } from './embedding.types';
import { MAX_VECTOR_DIMENSIONS } from './vector';

/**
 * The embeddings of `inputs` texts, in input order. `dimensions`, when given, is the only length
 * accepted; otherwise every embedding must have the length of the first.
 */
export function parseEmbeddingsResponse(body: unknown, inputs: number, dimensions: number | undefined, where: string): Float32Array[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new EmbeddingError(`${where} returned no \`data\` array`);
  if (data.length !== inputs) throw new EmbeddingError(`${where} returned ${data.length} embeddings for ${inputs} inputs`);
  const withIndex = data.filter((item) => (item as { index?: unknown } | null)?.index !== undefined).length;
  if (withIndex !== 0 && withIndex !== inputs) throw new EmbeddingError(`${where} returned an \`index\` for some embeddings only`);

  const out = new Array<Float32Array | undefined>(inputs).fill(undefined);
  let expected = dimensions;
  data.forEach((item: unknown, position) => {
    const index = withIndex === 0 ? position : (item as { index: unknown }).index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= inputs || out[index] !== undefined) {
      throw new EmbeddingError(`${where} returned an embedding with a missing, repeated or out-of-range \`index\` (${String(index)})`);
    }
    const vector = toFloat32((item as { embedding?: unknown } | null)?.embedding, index, where);
    expected ??= vector.length;
    if (vector.length !== expected) throw new EmbeddingError(`${where} returned embedding ${index} with ${vector.length} dimensions, expected ${expected}`);
    out[index] = vector;
  });
  return out as Float32Array[];
}

function toFloat32(embedding: unknown, index: number, where: string): Float32Array {
  let vector: Float32Array;
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.length === 0 || bytes.length % 4 !== 0) throw new EmbeddingError(`${where} returned embedding ${index} as base64 that is not float32 data`);
    vector = new Float32Array(bytes.length / 4);
    for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  } else if (Array.isArray(embedding)) {
    vector = new Float32Array(embedding.length);
    for (let i = 0; i < embedding.length; i++) {
      const value: unknown = embedding[i];
      if (typeof value !== 'number') throw new EmbeddingError(`${where} returned embedding ${index} with a value that is not a number at ${i}`);
      vector[i] = value;
    }
  } else {
    throw new EmbeddingError(`${where} returned embedding ${index} that is neither a list of numbers nor base64`);
  }
  if (vector.length === 0 || vector.length > MAX_VECTOR_DIMENSIONS) {
    throw new EmbeddingError(`${where} returned embedding ${index} with ${vector.length} dimensions (1 to ${MAX_VECTOR_DIMENSIONS} expected)`);
  }
  // Checked after the float32 conversion: 1e39 is finite as a double but Infinity as a float32.
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw new EmbeddingError(`${where} returned embedding ${index} with a non-finite value at ${i}`);
  }
  return vector;
}
