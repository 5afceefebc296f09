import * as zlib from 'node:zlib';
import { type Compressor, CompressorUnavailableError } from './compressor';

/** deflate-raw: the default, no native dependency, zlib's speed/size balance at level 6. */
export const deflateCompressor: Compressor = {
  algorithm: 'deflate',
  tag: 1,
  compress: (data, level) => zlib.deflateRawSync(data, { level }),
  decompress: (data, maxOutputBytes) =>
    zlib.inflateRawSync(data, { maxOutputLength: maxOutputBytes }),
};

/** brotli: smaller than deflate, much slower to write at high qualities (level 1–9 maps to quality 1–9). */
export const brotliCompressor: Compressor = {
  algorithm: 'brotli',
  tag: 4,
  compress: (data, level) =>
    zlib.brotliCompressSync(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: level,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  decompress: (data, maxOutputBytes) => zlib.brotliDecompressSync(data, { maxOutputLength: maxOutputBytes }),
};

type ZstdZlib = {
  zstdCompressSync(data: Buffer, options?: { params?: Record<number, number> }): Buffer;
  zstdDecompressSync(data: Buffer, options?: { maxOutputLength?: number }): Buffer;
  constants: { ZSTD_c_compressionLevel?: number };
};

/**
 * zstd from Node's own zlib (Node ≥ 22.15 / 23.8); on older runtimes the codec is unavailable and
 * choosing it fails bootstrap. Level 1–9 is zstd's level 1–9 (its range goes to 22; higher levels
 * cost write time an AI cache rarely wants).
 */
export function zstdCompressor(): Compressor {
  const z = zlib as unknown as Partial<ZstdZlib>;
  const level = z.constants?.ZSTD_c_compressionLevel;
  if (typeof z.zstdCompressSync !== 'function' || typeof z.zstdDecompressSync !== 'function' || level === undefined) {
    throw new CompressorUnavailableError('zstd', `this Node.js (${process.version}) has no built-in zstd; it needs Node.js >= 22.15 (or choose 'deflate', 'brotli' or 'lz4')`);
  }
  const { zstdCompressSync, zstdDecompressSync } = z as ZstdZlib;
  return {
    algorithm: 'zstd',
    tag: 3,
    compress: (data, compressionLevel) => zstdCompressSync(data, { params: { [level]: compressionLevel } }),
    decompress: (data, maxOutputBytes) => zstdDecompressSync(data, { maxOutputLength: maxOutputBytes }),
  };
}
