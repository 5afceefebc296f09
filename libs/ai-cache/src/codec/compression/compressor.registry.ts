import { type CompressionAlgorithm, type Compressor, CompressorUnavailableError } from './compressor';
import { lz4Compressor } from './lz4.compressor';
import { brotliCompressor, deflateCompressor, zstdCompressor } from './zlib.compressors';

export const COMPRESSION_ALGORITHMS: readonly CompressionAlgorithm[] = ['deflate', 'lz4', 'zstd', 'brotli'];

const factories: Record<CompressionAlgorithm, () => Compressor> = {
  deflate: () => deflateCompressor,
  brotli: () => brotliCompressor,
  zstd: zstdCompressor,
  lz4: lz4Compressor,
};
const TAGS: Readonly<Record<number, CompressionAlgorithm>> = { 1: 'deflate', 2: 'lz4', 3: 'zstd', 4: 'brotli' };

/** The codec for `algorithm`; throws CompressorUnavailableError when this process cannot run it. */
export function compressorFor(algorithm: CompressionAlgorithm): Compressor {
  return factories[algorithm]();
}

/**
 * The codec that wrote an entry with header `tag`, or undefined when the tag is unknown or the codec
 * cannot run here (an lz4 entry read by an instance without lz4-napi): the entry is then unreadable
 * for this reader, which treats it as a miss. Loaded once per tag.
 */
export function compressorForTag(tag: number): Compressor | undefined {
  let cached = byTag.get(tag);
  if (cached === undefined) {
    const algorithm = TAGS[tag];
    cached = algorithm ? tryLoad(algorithm) : null;
    byTag.set(tag, cached);
  }
  return cached ?? undefined;
}

const byTag = new Map<number, Compressor | null>();

function tryLoad(algorithm: CompressionAlgorithm): Compressor | null {
  try {
    return compressorFor(algorithm);
  } catch (error) {
    if (error instanceof CompressorUnavailableError) return null;
    throw error;
  }
}
