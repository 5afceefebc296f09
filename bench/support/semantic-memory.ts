/**
 * Memory per vector of a semantic index. usearch's graph lives in native memory, outside V8's heap
 * and `external` counters, so only the process's resident set shows it, and an RSS delta means
 * something only in a fresh process (a process that freed memory before reuses it without growing).
 * So each measurement runs in a child process of its own: `node <this file> <kind> <count>`.
 * Under ts-jest (the bench smoke test) there is no compiled file to start, and the same measurement
 * runs in-process instead: the figures then mean nothing, which a smoke run never claims.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BruteForceVectorIndex } from '../../libs/ai-cache/src/semantic/brute-force.vector-index';
import { HnswVectorIndex } from '../../libs/ai-cache/src/semantic/hnsw.vector-index';
import type { InProcessVectorIndex } from '../../libs/ai-cache/src/semantic/in-process.vector-index';
import { clusteredUnitVectors, row } from '../../test/support/seeded-vectors';
import { collectGarbage } from './gc';

export const SEMANTIC_DIMENSIONS = 384;
export type MeasuredIndexKind = 'brute-force' | 'hnsw';

export interface IndexMemory {
  /** Growth of the resident set per vector, in bytes (every allocation, native ones included). */
  rssPerVector: number;
  /** The index's own estimate (`bytes`) per vector. */
  estimatePerVector: number;
}

export function createMeasuredIndex(kind: MeasuredIndexKind): InProcessVectorIndex {
  return kind === 'hnsw' ? new HnswVectorIndex({ dimensions: SEMANTIC_DIMENSIONS }) : new BruteForceVectorIndex({ dimensions: SEMANTIC_DIMENSIONS });
}

export async function measureIndexMemory(kind: MeasuredIndexKind, count: number): Promise<IndexMemory> {
  if (!__filename.endsWith('.js')) return measureHere(kind, count);
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', __filename, kind, String(count)], { timeout: 300_000 });
  return JSON.parse(stdout) as IndexMemory;
}

function measureHere(kind: MeasuredIndexKind, count: number): IndexMemory {
  const vectors = clusteredUnitVectors(count, SEMANTIC_DIMENSIONS, 5);
  const index = createMeasuredIndex(kind);
  const rss = () => {
    collectGarbage();
    collectGarbage();
    return process.memoryUsage().rss;
  };
  const before = rss();
  for (let i = 0; i < count; i++) index.addNow(`ai:qa:${i.toString(36).padStart(43, '0')}`, row(vectors, i, SEMANTIC_DIMENSIONS));
  const after = rss();
  // Both still used after the measurement: otherwise V8 may collect the input (or the index) before
  // `after` is read, and the delta would subtract them.
  if (index.size !== count || vectors.length !== count * SEMANTIC_DIMENSIONS) throw new Error(`semantic memory: ${index.size} vectors held, expected ${count}`);
  return { rssPerVector: (after - before) / count, estimatePerVector: index.bytes / count };
}

if (require.main === module) {
  const [kind, count] = process.argv.slice(2);
  process.stdout.write(JSON.stringify(measureHere(kind as MeasuredIndexKind, Number(count))));
}
