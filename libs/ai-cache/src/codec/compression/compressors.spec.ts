import { deflateRawSync } from 'node:zlib';
import { COMPRESSION_ALGORITHMS, compressorFor, compressorForTag } from './compressor.registry';
import { CompressorUnavailableError } from './compressor';

const text = Buffer.from('The cache answered before the model did. '.repeat(200));
const hasZstd = typeof (require('node:zlib') as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';

describe('compressors', () => {
  it.each(COMPRESSION_ALGORITHMS.filter((name) => name !== 'zstd' || hasZstd))('%s round-trips and is found again by its header tag', (algorithm) => {
    const compressor = compressorFor(algorithm);
    const packed = compressor.compress(text, 6);
    expect(packed.length).toBeLessThan(text.length / 4);
    expect(compressor.decompress(packed, text.length)).toEqual(text);
    expect(compressorForTag(compressor.tag)?.algorithm).toBe(algorithm);
  });

  it.each(COMPRESSION_ALGORITHMS.filter((name) => name !== 'zstd' || hasZstd))('%s refuses output above the cap', (algorithm) => {
    const compressor = compressorFor(algorithm);
    expect(() => compressor.decompress(compressor.compress(text, 6), text.length - 1)).toThrow();
  });

  it('uses distinct tags, none of them 0 (plain JSON), and knows no other tag', () => {
    const tags = COMPRESSION_ALGORITHMS.filter((name) => name !== 'zstd' || hasZstd).map((name) => compressorFor(name).tag);
    expect(new Set(tags).size).toBe(tags.length);
    expect(tags).not.toContain(0);
    expect(compressorForTag(0)).toBeUndefined();
    expect(compressorForTag(77)).toBeUndefined();
  });

  (hasZstd ? it.skip : it)('says which Node.js has zstd when this one has not', () => {
    expect(() => compressorFor('zstd')).toThrow(CompressorUnavailableError);
    expect(() => compressorFor('zstd')).toThrow(/Node\.js >= 22\.15/);
    expect(compressorForTag(3)).toBeUndefined();
  });

  it('stops a deflate bomb at the cap', () => {
    const bomb = deflateRawSync(Buffer.alloc(32 * 1024 * 1024));
    expect(() => compressorFor('deflate').decompress(bomb, 1024 * 1024)).toThrow(/buffer|length|Cannot create/i);
  });
});

describe('lz4 without its optional peer', () => {
  it('is unavailable with the package to install named', () => {
    jest.isolateModules(() => {
      jest.doMock('lz4-napi', () => {
        throw new Error("Cannot find module 'lz4-napi'");
      });
      const registry = jest.requireActual<typeof import('./compressor.registry')>('./compressor.registry');
      expect(() => registry.compressorFor('lz4')).toThrow(/npm i lz4-napi/);
      // An lz4 entry is then unreadable here: a miss, never a crash.
      expect(registry.compressorForTag(2)).toBeUndefined();
    });
  });
});
