import { type Compressor, CompressorUnavailableError } from './compressor';

interface Lz4Napi {
  compressSync(data: Buffer): Buffer;
  uncompressSync(data: Uint8Array): Buffer;
}

/** lz4-napi's block format starts with the decompressed size, little-endian u32. */
const SIZE_PREFIX_BYTES = 4;

let loaded: Lz4Napi | undefined;

/**
 * lz4 through the optional peer `lz4-napi` (prebuilt binaries, no compiler needed): the fastest
 * codec to decode, at a lower ratio than deflate. Loaded only when an lz4 entry is written or read.
 */
export function lz4Compressor(): Compressor {
  loaded ??= loadLz4();
  const lz4 = loaded;
  return {
    algorithm: 'lz4',
    tag: 2,
    // lz4 has no levels worth exposing through lz4-napi: the level is ignored.
    compress: (data) => lz4.compressSync(data),
    decompress: (data, maxOutputBytes) => {
      // The size prefix is what lz4 allocates: check it first, so a forged one cannot make us
      // allocate gigabytes (a 2 GiB prefix on a 21-byte block takes seconds to refuse otherwise).
      if (data.length < SIZE_PREFIX_BYTES) throw new RangeError('lz4: truncated block');
      const declared = data.readUInt32LE(0);
      if (declared > maxOutputBytes) throw new RangeError(`lz4: block declares ${declared} bytes, above the ${maxOutputBytes}-byte cap`);
      const output = lz4.uncompressSync(data);
      if (output.length !== declared) throw new RangeError('lz4: block size does not match its prefix');
      return output;
    },
  };
}

function loadLz4(): Lz4Napi {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('lz4-napi') as Lz4Napi;
  } catch {
    throw new CompressorUnavailableError('lz4', "install the optional peer: npm i lz4-napi");
  }
}
