/**
 * The binary header in front of every value stored in Redis (format version 2):
 *
 *     offset  0  A1 41 49 43   magic ("\xa1AIC": starts with a non-ASCII byte, so no text or JSON
 *                              written by someone else can pass for an envelope)
 *             4  02            format version
 *             5  codec         0 plain JSON, 1 deflate-raw, 2 lz4, 3 zstd, 4 brotli
 *             6  sealing       0 none, 1 AES-256-GCM (key id, IV and tag follow in the body)
 *             7  00            reserved, must be 0
 *             8  expiresAt     float64 big-endian, epoch ms (end of the TTL)
 *            16  staleUntil    float64 big-endian, epoch ms (end of the stale window, >= expiresAt)
 *            24  body          the envelope JSON (compressed, then sealed, as the header says)
 *
 * Expiry sits in the header so that `exists`, `getTtl` and L1 fills read 24 bytes and never need to
 * decompress or parse the body.
 */
export const ENVELOPE_MAGIC = Buffer.from([0xa1, 0x41, 0x49, 0x43]);
export const ENVELOPE_VERSION = 2;
export const HEADER_BYTES = 24;

export const SEALING_NONE = 0;
export const SEALING_AES_256_GCM = 1;

export interface EnvelopeHeader {
  codecTag: number;
  sealing: number;
  expiresAt: number;
  staleUntil: number;
}

export function writeHeader(target: Buffer, header: EnvelopeHeader): void {
  ENVELOPE_MAGIC.copy(target, 0);
  target[4] = ENVELOPE_VERSION;
  target[5] = header.codecTag;
  target[6] = header.sealing;
  target[7] = 0;
  target.writeDoubleBE(header.expiresAt, 8);
  target.writeDoubleBE(header.staleUntil, 16);
}

/** The header of `bytes`, or undefined when they do not start with an intact version-2 header. Never throws. */
export function readHeader(bytes: Uint8Array): EnvelopeHeader | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  if (bytes[0] !== 0xa1 || bytes[1] !== 0x41 || bytes[2] !== 0x49 || bytes[3] !== 0x43) return undefined;
  if (bytes[4] !== ENVELOPE_VERSION || bytes[7] !== 0) return undefined;
  const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const expiresAt = view.readDoubleBE(8);
  const staleUntil = view.readDoubleBE(16);
  // NaN fails every comparison: `!(a >= b)` refuses it too.
  if (!(expiresAt >= 0) || !(staleUntil >= expiresAt)) return undefined;
  return { codecTag: bytes[5], sealing: bytes[6], expiresAt, staleUntil };
}
