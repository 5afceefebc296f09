import { VECTOR_FORMAT_VERSION, VECTOR_HEADER_BYTES, decodeVector, encodeVector } from './vector.codec';
import { toUnitVector } from './vector';

describe('vector codec', () => {
  const unit = toUnitVector(Array.from({ length: 384 }, (_, i) => Math.cos(i * 0.37) + 0.01 * i));

  it('round-trips a unit vector bit for bit, in 8 + 4 × dimensions bytes', () => {
    const bytes = encodeVector(unit);
    expect(bytes).toHaveLength(VECTOR_HEADER_BYTES + 384 * 4);
    expect([...bytes.subarray(0, 8)]).toEqual([0x53, 0x56, VECTOR_FORMAT_VERSION, 1, 384 & 0xff, 384 >> 8, 0, 0]);
    const decoded = decodeVector(bytes);
    expect(decoded).toBeInstanceOf(Float32Array);
    expect(Buffer.from((decoded as Float32Array).buffer).equals(Buffer.from(unit.buffer))).toBe(true);
  });

  it('decodes from a Buffer that is a slice of a larger allocation (as ioredis returns them)', () => {
    const bytes = encodeVector(unit);
    const pool = Buffer.alloc(bytes.length + 13);
    bytes.copy(pool, 5);
    expect(decodeVector(pool.subarray(5, 5 + bytes.length))).toEqual(unit);
    expect(decodeVector(new Uint8Array(bytes))).toEqual(unit);
  });

  it('encodes a vector that is a view into a larger buffer', () => {
    const storage = new Float32Array(3 * 4);
    storage.set(toUnitVector([1, 2, 3, 4]), 4);
    expect(decodeVector(encodeVector(storage.subarray(4, 8)))).toEqual(toUnitVector([1, 2, 3, 4]));
  });

  it('checks the expected dimension', () => {
    expect(decodeVector(encodeVector(unit), 384)).toEqual(unit);
    expect(decodeVector(encodeVector(unit), 383)).toBeUndefined();
  });

  it('normalises a well-formed vector that is not unit (a foreign writer)', () => {
    const bytes = encodeVector(Float32Array.of(3, 4));
    expect(Array.from(decodeVector(bytes) as Float32Array)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it('answers undefined, never throws, for anything that is not a well-formed vector', () => {
    const good = encodeVector(unit);
    const withByte = (index: number, value: number) => {
      const copy = Buffer.from(good);
      copy[index] = value;
      return copy;
    };
    const withFloat = (component: number, value: number) => {
      const copy = Buffer.from(good);
      copy.writeFloatLE(value, VECTOR_HEADER_BYTES + component * 4);
      return copy;
    };
    const hugeHeader = Buffer.from(good.subarray(0, 8));
    hugeHeader.writeUInt32LE(0xffffffff, 4);
    const zeros = Buffer.concat([good.subarray(0, 8), Buffer.alloc(384 * 4)]);
    const bad: unknown[] = [
      undefined,
      null,
      'SV',
      42,
      [0x53, 0x56, 1, 1, 1, 0, 0, 0, 0, 0, 128, 63],
      Buffer.alloc(0),
      good.subarray(0, 7),
      good.subarray(0, good.length - 1),
      Buffer.concat([good, Buffer.alloc(4)]),
      withByte(0, 0x00),
      withByte(1, 0x00),
      withByte(2, VECTOR_FORMAT_VERSION + 1),
      withByte(3, 2),
      withByte(4, 0),
      hugeHeader,
      withFloat(3, Number.NaN),
      withFloat(100, Infinity),
      withFloat(0, -Infinity),
      zeros,
      Buffer.from(JSON.stringify(Array.from(unit))),
    ];
    for (const bytes of bad) expect(decodeVector(bytes)).toBeUndefined();
  });

  it('survives random bytes', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) & 0xff;
    for (let n = 0; n < 500; n++) {
      const bytes = Buffer.from(Array.from({ length: n % 40 }, random));
      if (n % 3 === 0 && bytes.length >= 4) bytes.set([0x53, 0x56, 1, 1]);
      expect(() => decodeVector(bytes)).not.toThrow();
    }
  });

  it('refuses to encode an empty vector', () => {
    expect(() => encodeVector(new Float32Array(0))).toThrow('cannot encode a vector of 0 dimensions');
  });
});
