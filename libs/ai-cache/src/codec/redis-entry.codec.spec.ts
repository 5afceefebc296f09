import { createSecretKey, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { CacheEntry } from '../interfaces/cache-entry.interface';
import { AesGcmSealer } from './aes-gcm.sealer';
import type { CompressionAlgorithm } from './compression/compressor';
import { envelopeJson } from './entry-envelope';
import type { EntrySealer } from './entry-sealer';
import { HEADER_BYTES, writeHeader } from './envelope-header';
import { RedisEntryCodec, type RedisEntryCodecOptions } from './redis-entry.codec';

const KEY = 'ns:ai:summarize:abc';

function codecOf(options: Partial<RedisEntryCodecOptions> = {}): RedisEntryCodec {
  return new RedisEntryCodec({ compressionThreshold: 100, compressionLevel: 6, compressionAlgorithm: 'deflate', maxEntryBytes: 64 * 1024, ...options });
}

function entryOf(value: unknown, extra: Partial<CacheEntry> = {}): [CacheEntry, string] {
  const payload = { value, cachedAt: 1_700_000_000_000, operation: 'summarize', textLength: 42, computeMs: 12.5 };
  const json = envelopeJson(payload);
  const entry: CacheEntry = { ...payload, expiresAt: 1_900_000_000_000, staleUntil: 1_900_000_060_000, compressed: false, size: Buffer.byteLength(json), ...extra };
  return [entry, json];
}

const large = { summary: 'Caching saves money and time. '.repeat(40), points: ['a', 'b'] };

describe('RedisEntryCodec', () => {
  it('round-trips an entry with every fact, and stores small JSON plain after a 24-byte header', () => {
    const codec = codecOf();
    const [entry, json] = entryOf({ summary: 'short' });
    const { bytes, stored } = codec.encode(KEY, entry, json);

    expect(stored).toBe(entry); // not compressed: the entry as given
    expect(bytes.subarray(HEADER_BYTES).toString()).toBe(json);
    expect(codec.decode(KEY, bytes)).toEqual({ ...entry, compressed: false });
  });

  it.each<CompressionAlgorithm>(['deflate', 'brotli', 'lz4'])('compresses JSON above the threshold with %s and says so', (algorithm) => {
    const codec = codecOf({ compressionAlgorithm: algorithm });
    const [entry, json] = entryOf(large);
    const { bytes, stored } = codec.encode(KEY, entry, json);

    expect(stored).toEqual({ ...entry, compressed: true });
    expect(bytes.length).toBeLessThan(entry.size / 2);
    expect(codec.decode(KEY, bytes)).toEqual({ ...entry, compressed: true });
  });

  it('reads entries written with any codec, whatever its own setting: a switch never loses entries', () => {
    const written = (['deflate', 'brotli', 'lz4'] as const).map((algorithm) => codecOf({ compressionAlgorithm: algorithm }).encode(KEY, ...entryOf(large)).bytes);
    for (const reader of ['deflate', 'brotli', 'lz4'] as const) {
      for (const bytes of written) expect(codecOf({ compressionAlgorithm: reader }).decode(KEY, bytes)?.value).toEqual(large);
    }
  });

  it('keeps incompressible JSON plain even above the threshold', () => {
    const codec = codecOf({ compressionThreshold: 10 });
    // Tiny, with nothing repeated: deflate's output is not smaller than its input.
    const json = envelopeJson({ value: 'q', cachedAt: 1 });
    const entry: CacheEntry = { value: 'q', cachedAt: 1, expiresAt: 2e12, staleUntil: 2e12, compressed: false, size: json.length };
    expect(json.length).toBeGreaterThan(10);
    expect(codec.encode(KEY, entry, json).stored.compressed).toBe(false);
  });

  it('treats anything that is not an intact version-2 envelope as undefined, never a throw', () => {
    const codec = codecOf();
    const [entry, json] = entryOf(large);
    const good = codec.encode(KEY, entry, json).bytes;
    const variants: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from('{"t":1,"v":"json someone else wrote"}'),
      good.subarray(0, HEADER_BYTES + 3), // truncated deflate
      Buffer.concat([good.subarray(0, 4), Buffer.from([1]), good.subarray(5)]), // version 1
      Buffer.concat([good.subarray(0, 5), Buffer.from([9]), good.subarray(6)]), // unknown codec
      Buffer.concat([good.subarray(0, 7), Buffer.from([1]), good.subarray(8)]), // reserved byte set
      Buffer.concat([good.subarray(0, HEADER_BYTES), Buffer.from('not deflate at all')]),
    ];
    for (const bytes of variants) expect(codec.decode(KEY, bytes)).toBeUndefined();
  });

  it('refuses an envelope whose JSON has unknown fields or bad facts, and bytes that are not UTF-8', () => {
    const codec = codecOf();
    const framed = (body: Buffer) => {
      const bytes = Buffer.alloc(HEADER_BYTES + body.length);
      writeHeader(bytes, { codecTag: 0, sealing: 0, expiresAt: 2e12, staleUntil: 2e12 });
      body.copy(bytes, HEADER_BYTES);
      return bytes;
    };
    expect(codec.decode(KEY, framed(Buffer.from('{"t":1,"v":1}')))?.value).toBe(1);
    expect(codec.decode(KEY, framed(Buffer.from('{"t":1,"v":1,"x":2}')))).toBeUndefined();
    expect(codec.decode(KEY, framed(Buffer.from('{"t":-1,"v":1}')))).toBeUndefined();
    expect(codec.decode(KEY, framed(Buffer.from('{"t":1}')))).toBeUndefined();
    expect(codec.decode(KEY, framed(Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0x76, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])))).toBeUndefined();
    // An expiry that is not a number, or a stale window ending before the TTL.
    const bytes = framed(Buffer.from('{"t":1,"v":1}'));
    bytes.writeDoubleBE(Number.NaN, 8);
    expect(codec.decode(KEY, bytes)).toBeUndefined();
    bytes.writeDoubleBE(2e12, 8);
    bytes.writeDoubleBE(1e12, 16);
    expect(codec.decode(KEY, bytes)).toBeUndefined();
  });

  it('caps decompression at maxEntryBytes: a deflate bomb is undefined, not gigabytes', () => {
    const codec = codecOf({ maxEntryBytes: 1024 * 1024 });
    const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024, 0x20)); // ~64 KB that inflates to 64 MB
    const bytes = Buffer.alloc(HEADER_BYTES + bomb.length);
    writeHeader(bytes, { codecTag: 1, sealing: 0, expiresAt: 2e12, staleUntil: 2e12 });
    bomb.copy(bytes, HEADER_BYTES);
    const before = process.memoryUsage().arrayBuffers;
    expect(codec.decode(KEY, bytes)).toBeUndefined();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses an lz4 block whose size prefix claims more than the cap, without allocating it', () => {
    const codec = codecOf({ compressionAlgorithm: 'lz4' });
    const bytes = codec.encode(KEY, ...entryOf(large)).bytes;
    bytes.writeUInt32LE(0x7fffffff, HEADER_BYTES); // lz4-napi's size prefix
    const started = performance.now();
    expect(codec.decode(KEY, bytes)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000); // lz4 itself would allocate 2 GiB first
  });

  it('refuses plain JSON longer than maxEntryBytes and bytes longer than any entry it could have written', () => {
    const small = codecOf({ maxEntryBytes: 100, compressionThreshold: 1_000 });
    const [entry, json] = entryOf('x'.repeat(200));
    expect(small.decode(KEY, codecOf({ compressionThreshold: 1_000 }).encode(KEY, entry, json).bytes)).toBeUndefined();
    expect(small.maxStoredBytes).toBeGreaterThan(100);
    expect(small.decode(KEY, Buffer.concat([codecOf().encode(KEY, ...entryOf(1)).bytes, Buffer.alloc(small.maxStoredBytes)]))).toBeUndefined();
  });

  describe('with a sealer (encryption at rest)', () => {
    /** A stand-in for AES-GCM with the same contract: binds the associated data, refuses anything else. */
    const xorSealer: EntrySealer = {
      sealingTag: 1,
      maxOverheadBytes: 32,
      seal: (body, aad) => Buffer.concat([aad.subarray(aad.length - 8), Buffer.from(body.map((b) => b ^ 0x5a))]),
      open: (sealed, aad) => (sealed.subarray(0, 8).equals(aad.subarray(aad.length - 8)) ? Buffer.from(sealed.subarray(8).map((b) => b ^ 0x5a)) : undefined),
    };

    it('seals after compression, binds the value to its key, and counts values that do not open', () => {
      let failures = 0;
      const codec = codecOf({ sealer: xorSealer, onOpenFailure: () => failures++ });
      const [entry, json] = entryOf(large);
      const { bytes } = codec.encode(KEY, entry, json);

      expect(bytes[6]).toBe(1);
      expect(bytes.includes(Buffer.from('Caching saves'))).toBe(false);
      expect(codec.decode(KEY, bytes)).toEqual({ ...entry, compressed: true });
      expect(codec.decode('ns:ai:summarize:other', bytes)).toBeUndefined();
      expect(failures).toBe(1);
      // A reader without the sealer cannot read sealed values either.
      expect(codecOf().decode(KEY, bytes)).toBeUndefined();
    });

    const aes = new AesGcmSealer({ keys: new Map([['k1', createSecretKey(randomBytes(32))]]), activeKeyId: 'k1' });

    it.each([['plain', 10_000], ['compressed', 100]])('with AES-256-GCM: a %s entry round-trips, and nothing of it is readable', (_, compressionThreshold) => {
      const codec = codecOf({ sealer: aes, compressionThreshold });
      const [entry, json] = entryOf({ summary: 'Caching saves money and time. '.repeat(40) });
      const { bytes, stored } = codec.encode(KEY, entry, json);
      expect(bytes[6]).toBe(1);
      expect(bytes.includes(Buffer.from('Caching'))).toBe(false);
      expect(bytes.includes(Buffer.from('summarize'))).toBe(false); // the operation lives in the sealed JSON too
      expect(bytes.length).toBeLessThanOrEqual(codec.maxStoredBytes);
      expect(codec.decode(KEY, bytes)).toEqual(stored);
    });

    it('says why a read found no entry: a value that did not open, or bytes that are not an envelope', () => {
      let failures = 0;
      const codec = codecOf({ sealer: aes, onOpenFailure: () => failures++ });
      const [entry, json] = entryOf(large);
      const { bytes, stored } = codec.encode(KEY, entry, json);
      expect(codec.decodeOrFailure(KEY, bytes)).toEqual(stored);
      const flipped = Buffer.from(bytes);
      flipped[flipped.length - 20] ^= 1;
      expect(codec.decodeOrFailure(KEY, flipped)).toBe('unopened');
      expect(codec.decodeOrFailure('ns:ai:summarize:other', bytes)).toBe('unopened');
      const expiryChanged = Buffer.from(bytes);
      expiryChanged.writeDoubleBE(entry.expiresAt + 1_000, 8); // a longer life, still a well-formed header
      expect(codec.decodeOrFailure(KEY, expiryChanged)).toBe('unopened');
      expect(codec.decodeOrFailure(KEY, Buffer.from('not ours'))).toBe('corrupted');
      expect(failures).toBe(3);
    });

    it('refuses an unsealed entry when encryption is on (planted, or written before it was turned on), as a value that did not open', () => {
      let failures = 0;
      const plain = codecOf().encode(KEY, ...entryOf({ summary: 'forged answer' })).bytes;
      const codec = codecOf({ sealer: aes, onOpenFailure: () => failures++ });
      expect(codec.decodeOrFailure(KEY, plain)).toBe('unopened');
      expect(codec.decode(KEY, plain)).toBeUndefined();
      expect(failures).toBe(2);
    });
  });
});
