import { isUtf8 } from 'node:buffer';
import type { CacheEntry } from '../interfaces/cache-entry.interface';
import { type CompressionAlgorithm, type Compressor, UNCOMPRESSED_TAG } from './compression/compressor';
import { compressorFor, compressorForTag } from './compression/compressor.registry';
import { entryWith } from './cache-entry';
import { parseEnvelope } from './entry-envelope';
import type { EntrySealer } from './entry-sealer';
import { HEADER_BYTES, readHeader, SEALING_NONE, writeHeader } from './envelope-header';

export interface RedisEntryCodecOptions {
  /** Envelope JSON larger than this many bytes is compressed. */
  compressionThreshold: number;
  /** 1 (fastest) to 9 (smallest), for the codecs that have levels. */
  compressionLevel: number;
  compressionAlgorithm: CompressionAlgorithm;
  /** Largest envelope JSON read back: decompression stops here (a bomb is a corrupted entry). */
  maxEntryBytes: number;
  /**
   * Encryption at rest; values are written in clear without it, and sealed values are then unreadable.
   * With it, every value read must open: unsealed ones are refused.
   */
  sealer?: EntrySealer;
  /** Called when a value failed to open (the sealer refused it, or there is none for a sealed value): counted by the monitor. */
  onOpenFailure?: () => void;
}

/** Why a read found no entry: not an intact envelope of ours, or a value that did not open (decrypt failure). */
export type DecodeFailure = 'corrupted' | 'unopened';

/** Worst-case growth of incompressible input, for every codec we use (lz4's n/255 + 16 is the largest). */
const compressionSlack = (bytes: number) => Math.ceil(bytes / 255) + 64;

/**
 * The one place that turns entries into the bytes Redis keeps, and back: header, compression, sealing.
 * Memory tiers never see bytes; they keep the decoded entries this codec returns.
 *
 * Stored bytes are untrusted: `decode` never throws and answers undefined for anything that is not
 * an intact envelope (wrong magic or version, unknown codec, a body that does not open, decompress
 * within `maxEntryBytes`, or parse as our JSON).
 */
export class RedisEntryCodec {
  /** Longest value a read fetches: anything longer is not one of ours (and is never transferred whole). */
  readonly maxStoredBytes: number;
  private readonly compressor: Compressor;

  constructor(private readonly options: RedisEntryCodecOptions) {
    // Throws CompressorUnavailableError when the codec cannot run here: the options resolver turns
    // it into a bootstrap error naming `compressionAlgorithm`.
    this.compressor = compressorFor(options.compressionAlgorithm);
    this.maxStoredBytes = HEADER_BYTES + options.maxEntryBytes + compressionSlack(options.maxEntryBytes) + (options.sealer?.maxOverheadBytes ?? 0);
  }

  /**
   * The bytes for `entry` under `redisKey`, and the entry as Redis holds it (`compressed` says whether
   * it was: JSON above the threshold is compressed when that makes it smaller).
   */
  encode(redisKey: string, entry: CacheEntry, json: string): { bytes: Buffer; stored: CacheEntry } {
    const jsonBytes = entry.size;
    let codecTag = UNCOMPRESSED_TAG;
    let body: Buffer | undefined;
    if (jsonBytes > this.options.compressionThreshold) {
      const compressed = this.compressor.compress(Buffer.from(json, 'utf8'), this.options.compressionLevel);
      if (compressed.length < jsonBytes) {
        body = compressed;
        codecTag = this.compressor.tag;
      }
    }
    const sealer = this.options.sealer;
    const header = { codecTag, sealing: sealer ? sealer.sealingTag : SEALING_NONE, expiresAt: entry.expiresAt, staleUntil: entry.staleUntil };
    let bytes: Buffer;
    if (sealer) {
      const headerBytes = Buffer.allocUnsafe(HEADER_BYTES);
      writeHeader(headerBytes, header);
      const sealed = sealer.seal(body ?? Buffer.from(json, 'utf8'), associatedData(redisKey, headerBytes));
      bytes = Buffer.concat([headerBytes, sealed]);
    } else if (body) {
      bytes = Buffer.allocUnsafe(HEADER_BYTES + body.length);
      writeHeader(bytes, header);
      body.copy(bytes, HEADER_BYTES);
    } else {
      // The common small entry: header and JSON written into one buffer, no intermediate copy.
      bytes = Buffer.allocUnsafe(HEADER_BYTES + jsonBytes);
      writeHeader(bytes, header);
      bytes.write(json, HEADER_BYTES, 'utf8');
    }
    const compressed = codecTag !== UNCOMPRESSED_TAG;
    return { bytes, stored: compressed === entry.compressed ? entry : entryWith(entry, entry.value, compressed) };
  }

  /** The entry stored in `bytes` under `redisKey`, or undefined when they are not an intact envelope. Never throws. */
  decode(redisKey: string, bytes: Buffer): CacheEntry | undefined {
    const entry = this.decodeOrFailure(redisKey, bytes);
    return typeof entry === 'string' ? undefined : entry;
  }

  /**
   * As `decode`, saying why there is no entry: `'unopened'` for a value the sealer refused (reported
   * to `onOpenFailure`), `'corrupted'` for anything else. Never throws.
   *
   * With a sealer, an unsealed value is refused too: encryption at rest also authenticates what is
   * read, so a plaintext envelope planted in Redis (or left from before encryption was turned on)
   * must not be served.
   */
  decodeOrFailure(redisKey: string, bytes: Buffer): CacheEntry | DecodeFailure {
    const header = readHeader(bytes);
    if (!header || bytes.length > this.maxStoredBytes) return 'corrupted';
    const compressor = header.codecTag === UNCOMPRESSED_TAG ? undefined : compressorForTag(header.codecTag);
    if (header.codecTag !== UNCOMPRESSED_TAG && !compressor) return 'corrupted';

    let body: Buffer = bytes;
    let start = HEADER_BYTES;
    const sealer = this.options.sealer;
    if (sealer || header.sealing !== SEALING_NONE) {
      const opened = sealer && header.sealing === sealer.sealingTag ? sealer.open(bytes.subarray(HEADER_BYTES), associatedData(redisKey, bytes.subarray(0, HEADER_BYTES))) : undefined;
      if (!opened) {
        this.options.onOpenFailure?.();
        return 'unopened';
      }
      body = opened;
      start = 0;
    }
    if (compressor) {
      try {
        body = compressor.decompress(body.subarray(start), this.options.maxEntryBytes);
      } catch {
        return 'corrupted'; // corrupt, truncated or above the cap
      }
      start = 0;
    }
    const jsonBytes = body.length - start;
    if (jsonBytes > this.options.maxEntryBytes) return 'corrupted';
    const text = utf8Text(body, start);
    if (text === undefined) return 'corrupted';
    const envelope = parseEnvelope(text);
    if (!envelope) return 'corrupted';
    // Built field by field, in one shape: a spread of the parsed envelope (of varying shape) costs a
    // slow clone on every Redis hit (bench/PERFORMANCE.md, "Figures behind the code").
    return {
      value: envelope.v,
      cachedAt: envelope.t,
      expiresAt: header.expiresAt,
      staleUntil: header.staleUntil,
      compressed: compressor !== undefined,
      size: jsonBytes,
      operation: envelope.o,
      textLength: envelope.l,
      computeMs: envelope.c,
    };
  }
}

/** What a sealed value is bound to: its full Redis key and its header (neither can be swapped). */
function associatedData(redisKey: string, header: Buffer): Buffer {
  const data = Buffer.allocUnsafe(HEADER_BYTES + Buffer.byteLength(redisKey, 'utf8'));
  header.copy(data, 0, 0, HEADER_BYTES);
  data.write(redisKey, HEADER_BYTES, 'utf8');
  return data;
}

/**
 * The text of `bytes` from `start`, or undefined when it is not valid UTF-8 (a BOM is kept, so
 * JSON.parse rejects it). Node's decoder is lossy: every invalid sequence becomes U+FFFD, so text
 * without U+FFFD came from valid UTF-8, and only text with one (a genuine U+FFFD, or damage) is
 * checked strictly. On ASCII text the U+FFFD search costs nothing (V8 knows a one-byte string
 * cannot hold it).
 */
function utf8Text(bytes: Buffer, start: number): string | undefined {
  const text = bytes.toString('utf8', start);
  if (text.indexOf('\ufffd') === -1 || isUtf8(bytes.subarray(start))) return text;
  return undefined;
}
