/**
 * The codec table: for each `compressionAlgorithm` (and no compression), the bytes Redis keeps for a
 * 1, 2 and 16 KB AI response, and what encoding and decoding one entry costs, through the codec the
 * Redis store uses (header, compression, envelope JSON parse and checks included). The last row is
 * the default (deflate) with encryption at rest: its difference with deflate is what AES-256-GCM costs.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import { envelopeJson } from '../../libs/ai-cache/src/codec/entry-envelope';
import { AesGcmSealer } from '../../libs/ai-cache/src/codec/aes-gcm.sealer';
import { RedisEntryCodec } from '../../libs/ai-cache/src/codec/redis-entry.codec';
import { COMPRESSION_ALGORITHMS, compressorFor } from '../../libs/ai-cache/src/codec/compression/compressor.registry';
import type { CompressionAlgorithm } from '../../libs/ai-cache/src/codec/compression/compressor';
import type { CacheEntry } from '../../libs/ai-cache/src/interfaces/cache-entry.interface';
import type { BenchContext } from '../support/bench-context';
import { aiResponse, textOfSize } from '../support/fixtures';
import { runScenario, type Contender, type ScenarioResult } from '../support/scenario';

const SIZES = [1024, 2048, 16 * 1024];
const KEY = 'bench:ai:summarize:codec';

/** A response of about `bytes` of JSON: the bench's 2 KB response with its summary resized. */
function responseOf(bytes: number): Record<string, unknown> {
  const base = aiResponse(7);
  const overhead = JSON.stringify({ ...base, summary: '' }).length;
  return { ...base, summary: textOfSize(Math.max(50, bytes - overhead), bytes) };
}

function available(): Array<CompressionAlgorithm | 'none'> {
  const names: Array<CompressionAlgorithm | 'none'> = ['none'];
  for (const algorithm of COMPRESSION_ALGORITHMS) {
    try {
      compressorFor(algorithm);
      names.push(algorithm);
    } catch {
      // Not in this runtime (zstd before Node 22.15) or its optional peer is missing: not in the table.
    }
  }
  return names;
}

export async function codecScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const codecs: Array<{ name: string; codec: RedisEntryCodec }> = available().map((name) => ({
    name,
    codec: new RedisEntryCodec({
      compressionAlgorithm: name === 'none' ? 'deflate' : name,
      compressionThreshold: name === 'none' ? 2 ** 30 : 0,
      compressionLevel: 6,
      maxEntryBytes: 1024 * 1024,
    }),
  }));
  const sealer = new AesGcmSealer({ keys: new Map([['bench', createSecretKey(randomBytes(32))]]), activeKeyId: 'bench' });
  codecs.push({
    name: 'deflate + AES-256-GCM',
    codec: new RedisEntryCodec({ compressionAlgorithm: 'deflate', compressionThreshold: 0, compressionLevel: 6, maxEntryBytes: 1024 * 1024, sealer }),
  });
  for (const bytes of SIZES) {
    const value = responseOf(bytes);
    const payload = { value, cachedAt: Date.now(), operation: 'summarize', textLength: 300 };
    const json = envelopeJson(payload);
    const entry: CacheEntry = { ...payload, expiresAt: Date.now() + 3600_000, staleUntil: Date.now() + 3600_000, compressed: false, size: Buffer.byteLength(json) };
    const encoded = codecs.map(({ codec }) => codec.encode(KEY, entry, json).bytes);
    const label = `${Math.round(entry.size / 1024)} KB`;
    for (const direction of ['encode', 'decode'] as const) {
      ctx.log(`codecs: ${direction} ${label}`);
      const contenders: Contender[] = codecs.map(({ name, codec }, c) => ({
        name: name === 'none' ? 'no compression' : name,
        kind: name === 'deflate' ? 'ours' : 'baseline',
        note: `${encoded[c].length} B stored`,
        op: direction === 'encode' ? () => codec.encode(KEY, entry, json) : () => codec.decode(KEY, encoded[c]),
      }));
      results.push(
        await runScenario(
          {
            id: `codecs.${direction}.${bytes}`,
            group: 'codecs',
            title: `${direction} one ${label} entry (bytes Redis keeps in the notes)`,
            unit: 'µs',
            higherIsBetter: false,
            timing: { sync: true, batch: 1, repMs: 100 },
            convert: (opsPerSec) => 1e6 / opsPerSec,
            contenders,
          },
          ctx.reps,
          ctx.repMsScale,
        ),
      );
    }
  }
  return results;
}
