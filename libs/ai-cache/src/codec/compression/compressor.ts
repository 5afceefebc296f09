/** The codecs a stored value may be compressed with. `none` is never a user setting: it tags plain JSON. */
export type CompressionAlgorithm = 'deflate' | 'lz4' | 'zstd' | 'brotli';

/**
 * One compression codec. Every stored value carries the tag of the codec that wrote it (one byte in
 * the envelope header), so a reader decodes any entry whatever its own setting: switching
 * `compressionAlgorithm` never makes existing entries unreadable.
 */
export interface Compressor {
  readonly algorithm: CompressionAlgorithm;
  /** The byte stored in the envelope header. Never reused for another codec. */
  readonly tag: number;
  compress(data: Buffer, level: number): Buffer;
  /**
   * Never produces more than `maxOutputBytes`: anything that would is a decompression bomb (or not
   * ours), and must throw before allocating it.
   */
  decompress(data: Buffer, maxOutputBytes: number): Buffer;
}

/** Thrown when a codec cannot run in this process (runtime too old, optional peer missing). */
export class CompressorUnavailableError extends Error {
  override readonly name = 'CompressorUnavailableError';
  constructor(
    readonly algorithm: CompressionAlgorithm,
    readonly remedy: string,
  ) {
    super(`compression algorithm '${algorithm}' is not available: ${remedy}`);
  }
}

/** Header tag of plain (uncompressed) JSON. */
export const UNCOMPRESSED_TAG = 0;
