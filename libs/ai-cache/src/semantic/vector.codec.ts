/**
 * The stored form of a vector (kept in Redis next to its entry): an 8-byte header, then the
 * components as little-endian float32.
 *
 * | bytes | content |
 * |---|---|
 * | 0–1 | magic `0x53 0x56` ("SV") |
 * | 2 | format version (1) |
 * | 3 | component type (1 = float32 little-endian) |
 * | 4–7 | dimensions, uint32 little-endian |
 * | 8… | dimensions × 4 bytes |
 *
 * Bytes read back are untrusted: `decodeVector` checks every field and every component and answers
 * `undefined` for anything else, never an exception.
 */
import { endianness } from 'node:os';
import { MAX_VECTOR_DIMENSIONS, VectorError, toUnitVector } from './vector';

export const VECTOR_FORMAT_VERSION = 1;
export const VECTOR_HEADER_BYTES = 8;
const MAGIC_0 = 0x53;
const MAGIC_1 = 0x56;
const FLOAT32_LE = 1;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Encodes a unit vector (see `toUnitVector`) into its stored form. */
export function encodeVector(vector: Float32Array): Buffer {
  const dimensions = vector.length;
  if (dimensions === 0 || dimensions > MAX_VECTOR_DIMENSIONS) {
    throw new VectorError(`cannot encode a vector of ${dimensions} dimensions (1 to ${MAX_VECTOR_DIMENSIONS})`);
  }
  const bytes = Buffer.allocUnsafe(VECTOR_HEADER_BYTES + dimensions * 4);
  bytes[0] = MAGIC_0;
  bytes[1] = MAGIC_1;
  bytes[2] = VECTOR_FORMAT_VERSION;
  bytes[3] = FLOAT32_LE;
  bytes.writeUInt32LE(dimensions, 4);
  if (LITTLE_ENDIAN_HOST) {
    bytes.set(new Uint8Array(vector.buffer, vector.byteOffset, dimensions * 4), VECTOR_HEADER_BYTES);
  } else {
    for (let i = 0; i < dimensions; i++) bytes.writeFloatLE(vector[i], VECTOR_HEADER_BYTES + i * 4);
  }
  return bytes;
}

/**
 * Decodes stored bytes into a unit vector, or `undefined` when they are not a well-formed vector
 * of this format (wrong magic, version, type or length; a non-finite component; all zeros), or
 * when `expectedDimensions` is given and differs.
 */
export function decodeVector(bytes: unknown, expectedDimensions?: number): Float32Array | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length < VECTOR_HEADER_BYTES) return undefined;
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1 || bytes[2] !== VECTOR_FORMAT_VERSION || bytes[3] !== FLOAT32_LE) return undefined;
  const dimensions = (bytes[4] | (bytes[5] << 8) | (bytes[6] << 16)) + bytes[7] * 0x1000000;
  if (dimensions === 0 || dimensions > MAX_VECTOR_DIMENSIONS) return undefined;
  if (expectedDimensions !== undefined && dimensions !== expectedDimensions) return undefined;
  if (bytes.length !== VECTOR_HEADER_BYTES + dimensions * 4) return undefined;

  const vector = new Float32Array(dimensions);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(vector.buffer).set(bytes.subarray(VECTOR_HEADER_BYTES));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + VECTOR_HEADER_BYTES, dimensions * 4);
    for (let i = 0; i < dimensions; i++) vector[i] = view.getFloat32(i * 4, true);
  }
  try {
    // Our writer stores unit vectors, which this returns unchanged (bit for bit); anything else
    // is normalised, and non-finite or all-zero data is rejected.
    return toUnitVector(vector, dimensions, 'stored vector');
  } catch {
    return undefined;
  }
}
