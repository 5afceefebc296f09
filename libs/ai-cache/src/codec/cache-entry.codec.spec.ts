import { deflateRawSync } from 'node:zlib';
import { CacheEntryCodec, MAX_INFLATED_BYTES } from './cache-entry.codec';

const HEADER = Buffer.from([0xa1, 0x41, 0x49, 0x43, 0x01]);
/** Hand-made envelope bytes, to feed decode what a corrupt or hostile writer could store. */
const envelope = (payload: string | Buffer, flags = 0x00) => Buffer.concat([HEADER, Buffer.from([flags]), Buffer.from(payload)]);

describe('CacheEntryCodec', () => {
  const codec = new CacheEntryCodec({ compressionThreshold: 1000, compressionLevel: 6 });
  const roundTrip = (value: unknown) => codec.decode(codec.encode(value).bytes)?.value;

  describe('round trip', () => {
    it.each<[string, unknown]>([
      ['a nested object', { summary: 'S', points: ['a', 'b'], scores: { pos: 0.9, neg: [0.1, { x: null }] }, ok: true }],
      ['unicode', { text: 'héllo 中文 😀 \u0000 "quoted" \\ back', key: 'ключ' }],
      ['a string with a lone surrogate', 'a\ud800b'],
      ['an empty string', ''],
      ['an empty array', []],
      ['an empty object', {}],
      ['0', 0],
      ['false', false],
      ['null', null],
      ['a negative float', -12.5e-7],
      ['a long array', Array.from({ length: 500 }, (_, i) => ({ i, label: `item ${i}` }))],
    ])('returns %s unchanged', (_label, value) => {
      expect(roundTrip(value)).toEqual(value);
    });

    it('keeps the metadata', () => {
      const { bytes } = codec.encode({ a: 1 }, { operation: 'summarize', textLength: 1234, computeMs: 812.5, cachedAt: 1_700_000_000_123 });
      expect(codec.decode(bytes)).toEqual({
        value: { a: 1 },
        cachedAt: 1_700_000_000_123,
        compressed: false,
        operation: 'summarize',
        textLength: 1234,
        computeMs: 812.5,
      });
    });

    it('stamps cachedAt with the current time by default', () => {
      const now = jest.spyOn(Date, 'now').mockReturnValue(1_650_000_000_000);
      try {
        expect(codec.decode(codec.encode('v').bytes)?.cachedAt).toBe(1_650_000_000_000);
      } finally {
        now.mockRestore();
      }
    });

    it('returns a fresh copy on every read, so mutating one never changes the next', () => {
      const { bytes } = codec.encode({ list: [1, 2] });
      const first = codec.decode<{ list: number[] }>(bytes)!.value;
      first.list.push(3);
      expect(codec.decode<{ list: number[] }>(bytes)!.value).toEqual({ list: [1, 2] });
    });

    it('writes dates as ISO strings and drops undefined properties, as JSON does', () => {
      expect(roundTrip({ at: new Date('2024-05-06T07:08:09.000Z'), gone: undefined })).toEqual({ at: '2024-05-06T07:08:09.000Z' });
    });

    it('starts every entry with the magic bytes, version 1 and the flags', () => {
      const small = codec.encode('x').bytes;
      expect([...small.subarray(0, 6)]).toEqual([0xa1, 0x41, 0x49, 0x43, 0x01, 0x00]);
      const large = codec.encode('abc'.repeat(1000)).bytes;
      expect([...large.subarray(0, 6)]).toEqual([0xa1, 0x41, 0x49, 0x43, 0x01, 0x01]);
    });
  });

  describe('compression', () => {
    /** A string value whose envelope JSON is exactly `jsonBytes` long. */
    const valueWithJsonBytes = (target: CacheEntryCodec, jsonBytes: number) => {
      const overhead = target.encode('', { cachedAt: 1 }).jsonBytes;
      return 'a'.repeat(jsonBytes - overhead);
    };

    it('does not compress JSON of up to compressionThreshold bytes', () => {
      const encoded = codec.encode(valueWithJsonBytes(codec, 1000), { cachedAt: 1 });
      expect(encoded.jsonBytes).toBe(1000);
      expect(encoded.compressed).toBe(false);
      expect(encoded.compressMs).toBe(0);
      expect(encoded.storedBytes).toBe(6 + 1000);
    });

    it('compresses JSON above compressionThreshold, and decodes it back', () => {
      const value = valueWithJsonBytes(codec, 1001);
      const encoded = codec.encode(value, { cachedAt: 1 });
      expect(encoded.jsonBytes).toBe(1001);
      expect(encoded.compressed).toBe(true);
      expect(encoded.storedBytes).toBe(encoded.bytes.length);
      expect(encoded.storedBytes).toBeLessThan(encoded.jsonBytes);
      expect(codec.decode(encoded.bytes)).toEqual({ value, cachedAt: 1, compressed: true });
    });

    it('stores the JSON raw when deflating would not make it smaller', () => {
      const eager = new CacheEntryCodec({ compressionThreshold: 0, compressionLevel: 6 });
      const encoded = eager.encode('q', { cachedAt: 2 });
      const json = encoded.bytes.subarray(6);
      expect(deflateRawSync(json, { level: 6 }).length).toBeGreaterThanOrEqual(json.length); // the premise
      expect(encoded.compressed).toBe(false);
      expect(eager.decode(encoded.bytes)?.value).toBe('q');
    });

    it('uses compressionLevel', () => {
      const words = Array.from({ length: 4000 }, (_, i) => `w${(i * 7919) % 613}`).join(' ');
      const fast = new CacheEntryCodec({ compressionThreshold: 0, compressionLevel: 1 }).encode(words);
      const small = new CacheEntryCodec({ compressionThreshold: 0, compressionLevel: 9 }).encode(words);
      expect(small.storedBytes).toBeLessThan(fast.storedBytes);
    });

    it('rejects a level outside 1-9 and a negative threshold', () => {
      expect(() => new CacheEntryCodec({ compressionThreshold: 0, compressionLevel: 12 })).toThrow(/compressionLevel/);
      expect(() => new CacheEntryCodec({ compressionThreshold: 0, compressionLevel: 0 })).toThrow(/compressionLevel/);
      expect(() => new CacheEntryCodec({ compressionThreshold: -1, compressionLevel: 6 })).toThrow(/compressionThreshold/);
    });
  });

  describe('encode refuses what JSON cannot represent faithfully', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;

    it.each<[string, unknown, RegExp]>([
      ['undefined', undefined, /undefined/],
      ['a function', () => 1, /value: a function/],
      ['a nested function', { a: { fn: () => 1 } }, /value\.a\.fn: a function/],
      ['a symbol', { s: Symbol('s') }, /value\.s: a symbol/],
      ['a BigInt', { n: 1n }, /value\.n: a bigint/],
      ['a circular structure', circular, /value\.self: circular reference/],
      ['NaN', [NaN], /value\[0\]: NaN/],
      ['Infinity', { x: Infinity }, /value\.x: Infinity/],
      ['a Map', new Map(), /a Map/],
      ['a Set', { tags: new Set(['a']) }, /value\.tags: a Set/],
    ])('%s', (_label, value, message) => {
      expect(() => codec.encode(value)).toThrow(TypeError);
      expect(() => codec.encode(value)).toThrow(message);
    });

    it.each<[string, object, RegExp]>([
      ['cachedAt NaN', { cachedAt: NaN }, /cachedAt/],
      ['cachedAt negative', { cachedAt: -1 }, /cachedAt/],
      ['textLength fractional', { textLength: 1.5 }, /textLength/],
      ['textLength negative', { textLength: -3 }, /textLength/],
      ['computeMs infinite', { computeMs: Infinity }, /computeMs/],
      ['operation not a string', { operation: 42 }, /operation/],
    ])('malformed meta: %s', (_label, meta, message) => {
      expect(() => codec.encode('v', meta)).toThrow(message);
    });
  });

  describe('decode never throws and answers undefined for anything but an intact envelope', () => {
    const valid = codec.encode({ answer: 'yes' }, { cachedAt: 5 }).bytes;
    const validCompressed = codec.encode('compress me '.repeat(200), { cachedAt: 5 }).bytes;

    it('accepts the hand-made envelope these tests build on (control)', () => {
      expect(codec.decode(envelope('{"t":1,"v":"ok"}'))).toEqual({ value: 'ok', cachedAt: 1, compressed: false });
      expect(codec.decode(envelope(deflateRawSync('{"t":1,"v":"ok"}'), 0x01))).toEqual({ value: 'ok', cachedAt: 1, compressed: true });
      expect(validCompressed[5]).toBe(0x01);
    });

    it.each<[string, Buffer]>([
      ['empty bytes', Buffer.alloc(0)],
      ['a header alone', envelope('')],
      ['wrong magic', Buffer.concat([Buffer.from([0xa1, 0x41, 0x49, 0x44]), valid.subarray(4)])],
      ['an unknown version', Buffer.concat([valid.subarray(0, 4), Buffer.from([0x02]), valid.subarray(5)])],
      ['an unknown flag bit', envelope('{"t":1,"v":"ok"}', 0x02)],
      ['the high flag bit', envelope('{"t":1,"v":"ok"}', 0x80)],
      ['truncated raw JSON', valid.subarray(0, valid.length - 3)],
      ['truncated deflate data', validCompressed.subarray(0, validCompressed.length - 10)],
      ['a compressed flag on raw JSON', envelope('{"t":1,"v":"ok"}', 0x01)],
      ['garbage deflate data', envelope(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x13]), 0x01)],
      ['invalid JSON', envelope('{"t":1,"v":')],
      ['invalid UTF-8', envelope(Buffer.concat([Buffer.from('{"t":1,"v":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]))],
      ['a byte-order mark before the JSON', envelope('\ufeff{"t":1,"v":"ok"}')],
      // Forms a lenient decoder would turn into U+FFFD or accept: the UTF-8 check must reject each.
      ['an overlong UTF-8 form', envelope(Buffer.concat([Buffer.from('{"t":1,"v":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]))],
      ['a UTF-8-encoded surrogate', envelope(Buffer.concat([Buffer.from('{"t":1,"v":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]))],
      ['a truncated multi-byte sequence', envelope(Buffer.concat([Buffer.from('{"t":1,"v":"'), Buffer.from([0xe4, 0xb8]), Buffer.from('"}')]))],
      ['invalid UTF-8 inside deflate data', envelope(deflateRawSync(Buffer.concat([Buffer.from('{"t":1,"v":"'), Buffer.from([0xff]), Buffer.from('"}')])), 0x01)],
      ['JSON that is an array', envelope('[1,2]')],
      ['JSON that is a number', envelope('42')],
      ['JSON null', envelope('null')],
      ['an envelope without a value', envelope('{"t":1}')],
      ['an envelope without cachedAt', envelope('{"v":1}')],
      ['a string cachedAt', envelope('{"t":"2024-01-01","v":1}')],
      ['a negative cachedAt', envelope('{"t":-1,"v":1}')],
      ['a fractional textLength', envelope('{"t":1,"l":2.5,"v":1}')],
      ['a numeric operation', envelope('{"t":1,"o":7,"v":1}')],
      ['a negative computeMs', envelope('{"t":1,"c":-1,"v":1}')],
      ['an unknown field', envelope('{"t":1,"v":1,"x":1}')],
      ['a __proto__ field', envelope('{"t":1,"v":1,"__proto__":{"polluted":true}}')],
      ['plain JSON text someone else stored', Buffer.from('{"t":1,"v":"ok"}')],
      ['a Python pickle', Buffer.from('80049515000000000000007d948c0576616c7565944b01732e', 'hex')],
      ['a plain string', Buffer.from('hello world')],
    ])('%s', (_label, bytes) => {
      expect(codec.decode(bytes)).toBeUndefined();
    });

    it('decodes valid non-ASCII UTF-8 exactly (not through the ASCII shortcut)', () => {
      const text = 'héllo 中文 😀 ключ';
      expect(codec.decode(envelope(`{"t":1,"v":"${text}"}`))?.value).toBe(text);
      expect(codec.decode(envelope(deflateRawSync(`{"t":1,"v":"${text}"}`), 0x01))?.value).toBe(text);
    });

    it('decodes an envelope held in a plain Uint8Array, not only in a Buffer', () => {
      const bytes = new Uint8Array(codec.encode({ answer: 'yes' }, { cachedAt: 5 }).plain);
      expect(codec.decode(bytes as Buffer)).toEqual({ value: { answer: 'yes' }, cachedAt: 5, compressed: false });
    });

    it('something that is not a Buffer', () => {
      expect(codec.decode('{"t":1,"v":1}' as unknown as Buffer)).toBeUndefined();
      expect(codec.decode(undefined as unknown as Buffer)).toBeUndefined();
    });

    it('round-trips compressed values of every size and ratio (inflating takes several passes for some)', () => {
      const codec = new CacheEntryCodec({ compressionThreshold: 100, compressionLevel: 6 });
      const repetitive = { rows: Array.from({ length: 20_000 }, () => ({ id: 1, label: 'same' })) };
      const varied = { text: Array.from({ length: 60_000 }, (_, i) => (i * 2654435761) % 1000).join(' ') };
      const small = { text: 'words and more words '.repeat(20) };
      for (const value of [repetitive, varied, small]) {
        const encoded = codec.encode(value);
        expect(encoded.compressed).toBe(true);
        expect(codec.decode(encoded.bytes)?.value).toEqual(value);
      }
      expect(codec.encode(repetitive).storedBytes * 50).toBeLessThan(JSON.stringify(repetitive).length);
    });

    it(`a decompression bomb: inflating stops at ${MAX_INFLATED_BYTES} bytes`, () => {
      const json = Buffer.alloc(MAX_INFLATED_BYTES + 1024, 'a');
      json.write('{"t":1,"v":"', 0);
      json.write('"}', json.length - 2);
      const bomb = envelope(deflateRawSync(json, { level: 1 }), 0x01);
      expect(bomb.length).toBeLessThan(1024 * 1024);
      expect(codec.decode(bomb)).toBeUndefined();

      const underCap = Buffer.from(`{"t":1,"v":"${'a'.repeat(1024 * 1024)}"}`);
      expect(codec.decode(envelope(deflateRawSync(underCap, { level: 1 }), 0x01))?.value).toHaveLength(1024 * 1024);
    });

    it('random corruption of valid entries', () => {
      let seed = 42;
      const random = (below: number) => ((seed = (seed * 16807) % 2147483647) % below);
      for (const original of [valid, validCompressed]) {
        for (let round = 0; round < 1000; round++) {
          const corrupted = Buffer.from(original);
          for (let flips = 1 + random(3); flips > 0; flips--) corrupted[random(corrupted.length)] = random(256);
          const cut = random(4) === 0 ? corrupted.subarray(0, random(corrupted.length)) : corrupted;
          expect(() => codec.decode(cut)).not.toThrow();
        }
      }
    });
  });

  describe('plain form for the memory tiers', () => {
    const large = { summary: 'Caching saves money and time. '.repeat(100) };

    it('encodes without compression when asked, whatever the size', () => {
      const encoded = codec.encode(large, {}, { compress: false });
      expect(encoded.compressed).toBe(false);
      expect(encoded.bytes).toBe(encoded.plain);
      expect(codec.decode(encoded.bytes)).toMatchObject({ value: large, compressed: false });
    });

    it('gives the plain envelope beside the compressed one, and both decode to the same entry', () => {
      const encoded = codec.encode(large, { operation: 'summarize', textLength: 7 });
      expect(encoded.compressed).toBe(true);
      expect(encoded.plain.length).toBeGreaterThan(encoded.bytes.length);
      const fromPlain = codec.decode(encoded.plain);
      const fromCompressed = codec.decode(encoded.bytes);
      expect(fromPlain).toMatchObject({ value: large, compressed: false, operation: 'summarize', textLength: 7 });
      expect(fromCompressed).toMatchObject({ value: large, compressed: true, operation: 'summarize', textLength: 7 });
      expect(fromCompressed?.cachedAt).toBe(fromPlain?.cachedAt);
    });
  });

  describe('prototype safety', () => {
    it('keeps a "__proto__" key of a value as an own property and pollutes nothing', () => {
      const hostile = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
      const decoded = roundTrip(hostile) as Record<string, unknown>;

      expect(Object.prototype.hasOwnProperty.call(decoded, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
      expect(decoded.polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('decodes a stored "__proto__" in a value without touching any prototype', () => {
      const decoded = codec.decode<Record<string, unknown>>(envelope('{"t":1,"v":{"__proto__":{"isAdmin":true}}}'))!.value;
      expect(Object.getOwnPropertyNames(decoded)).toEqual(['__proto__']);
      expect(decoded.isAdmin).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });
  });
});
