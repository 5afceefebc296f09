/**
 * Why the codec deflates (raw, level 6 by default) rather than using brotli: compression is paid on
 * every write, so brotli would have to win on both speed and size. Both are measured at their
 * defaults (deflate 6, brotli quality 11) and at settings that make them comparable (deflate 1,
 * brotli 4), on English-like text. (This supersedes bench/compression-choice.js.)
 */
import * as zlib from 'node:zlib';
import type { BenchContext } from '../support/bench-context';
import { textOfSize } from '../support/fixtures';
import { runScenario, type Contender, type ScenarioResult } from '../support/scenario';

interface Codec {
  name: string;
  kind: Contender['kind'];
  compress(input: Buffer): Buffer;
  decompress(input: Buffer): Buffer;
}

const deflateRaw = (level: number, kind: Contender['kind']): Codec => ({
  name: `deflate-raw L${level}${level === 6 ? ' (our default)' : ''}`,
  kind,
  compress: (input) => zlib.deflateRawSync(input, { level }),
  decompress: (input) => zlib.inflateRawSync(input),
});

const brotli = (quality: number): Codec => ({
  name: `brotli q${quality}${quality === 11 ? ' (default)' : ''}`,
  kind: 'peer',
  compress: (input) => zlib.brotliCompressSync(input, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality } }),
  decompress: (input) => zlib.brotliDecompressSync(input),
});

const CODECS: Codec[] = [deflateRaw(6, 'ours'), brotli(11), deflateRaw(1, 'baseline'), brotli(4)];

export async function compressionScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const bytes of ctx.sizes.compressionTextBytes) {
    const input = Buffer.from(textOfSize(bytes, 20240601 + bytes), 'utf8');
    const label = `${Math.round(bytes / 1024)} KB`;
    const compressed = CODECS.map((codec) => {
      const output = codec.compress(input);
      if (!codec.decompress(output).equals(input)) throw new Error(`${codec.name} did not round-trip`);
      return output;
    });
    const ratioNote = (c: number) => `ratio ${(input.length / compressed[c].length).toFixed(2)} (${compressed[c].length} B)`;
    for (const direction of ['compress', 'decompress'] as const) {
      ctx.log(`compression: ${direction} ${label}`);
      results.push(
        await runScenario(
          {
            id: `compression.${direction}.${bytes}`,
            group: 'compression',
            title: `${direction} ${label} English-like text`,
            unit: 'MB/s',
            higherIsBetter: true,
            timing: { sync: true, batch: 1, repMs: 120 },
            convert: (opsPerSec) => (opsPerSec * input.length) / 1e6,
            contenders: CODECS.map((codec, c) => ({
              name: codec.name,
              kind: codec.kind,
              note: ratioNote(c),
              op: direction === 'compress' ? () => codec.compress(input) : () => codec.decompress(compressed[c]),
            })),
          },
          ctx.reps,
          ctx.repMsScale,
        ),
      );
    }
  }
  return results;
}
