import { HEADER_BYTES, readHeader, writeHeader } from './envelope-header';

describe('envelope header', () => {
  it('writes and reads back the codec, sealing and both expiry times in 24 bytes', () => {
    const bytes = Buffer.alloc(HEADER_BYTES);
    writeHeader(bytes, { codecTag: 2, sealing: 1, expiresAt: 1_800_000_000_123.5, staleUntil: Number.POSITIVE_INFINITY });
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0xa1, 0x41, 0x49, 0x43, 0x02, 0x02, 0x01, 0x00]));
    expect(readHeader(bytes)).toEqual({ codecTag: 2, sealing: 1, expiresAt: 1_800_000_000_123.5, staleUntil: Number.POSITIVE_INFINITY });
  });

  it('refuses short input, another magic, another version, a reserved byte, or impossible times', () => {
    const good = Buffer.alloc(HEADER_BYTES);
    writeHeader(good, { codecTag: 0, sealing: 0, expiresAt: 10, staleUntil: 20 });
    const variant = (offset: number, byte: number) => {
      const copy = Buffer.from(good);
      copy[offset] = byte;
      return copy;
    };
    expect(readHeader(good.subarray(0, HEADER_BYTES - 1))).toBeUndefined();
    expect(readHeader(variant(0, 0x7b))).toBeUndefined();
    expect(readHeader(variant(4, 0x01))).toBeUndefined();
    expect(readHeader(variant(7, 0x01))).toBeUndefined();
    const backwards = Buffer.from(good);
    backwards.writeDoubleBE(5, 16);
    expect(readHeader(backwards)).toBeUndefined();
    const negative = Buffer.from(good);
    negative.writeDoubleBE(-1, 8);
    expect(readHeader(negative)).toBeUndefined();
    expect(readHeader(new Uint8Array(good))).toEqual({ codecTag: 0, sealing: 0, expiresAt: 10, staleUntil: 20 });
  });
});
