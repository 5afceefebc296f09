/**
 * Semantic-match indexes (384-dimension vectors, the size of small sentence-embedding models):
 * - lookup at 1k, 10k and 100k vectors per scope: exact brute force (usearch's SIMD kernel, and
 *   plain JavaScript for when usearch is not installed) vs HNSW (usearch), each query a
 *   paraphrase-like neighbour of a stored vector (cosine ~0.95), threshold 0.8;
 * - the crossover: the size from which HNSW lookups beat brute force (AdaptiveVectorIndex's switch);
 * - memory per vector, as RSS growth in a fresh process (usearch's graph is native memory).
 * The vectors are clustered around topics, like embeddings of many texts on fewer subjects; uniform
 * random vectors would be the worst case for HNSW and unlike any embedding model's output.
 */
import { performance } from 'node:perf_hooks';
import { BruteForceVectorIndex } from '../../libs/ai-cache/src/semantic/brute-force.vector-index';
import { HnswVectorIndex } from '../../libs/ai-cache/src/semantic/hnsw.vector-index';
import type { InProcessVectorIndex } from '../../libs/ai-cache/src/semantic/in-process.vector-index';
import { clusteredUnitVectors, nearby, row, seededRandom } from '../../test/support/seeded-vectors';
import type { BenchContext } from '../support/bench-context';
import { SEMANTIC_DIMENSIONS as D, measureIndexMemory } from '../support/semantic-memory';
import { runScenario, type ScenarioResult } from '../support/scenario';
import { percentile } from '../support/stats';

const MIN_SIMILARITY = 0.8;
const QUERIES = 256;
const CROSSOVER_QUERIES = 200;

export const SIMD_BRUTE_FORCE = 'nestjs-ai-cache BruteForceVectorIndex (usearch SIMD scan)';
export const HNSW = 'nestjs-ai-cache HnswVectorIndex (usearch HNSW)';
export const JS_BRUTE_FORCE = 'nestjs-ai-cache BruteForceVectorIndex (JavaScript scan)';

export async function semanticIndexScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const entries of ctx.sizes.semanticIndexEntries) results.push(await lookupScenario(ctx, entries));
  results.push(await crossoverScenario(ctx));
  results.push(await memoryScenario(ctx));
  return results;
}

interface BuiltIndexes {
  simd: BruteForceVectorIndex;
  js: BruteForceVectorIndex;
  hnsw: HnswVectorIndex;
  hnswBuildMs: number;
}

/** The three indexes over the first `count` vectors of `vectors` (HNSW built once, timed). */
function buildIndexes(vectors: Float32Array, count: number): BuiltIndexes {
  const simd = new BruteForceVectorIndex({ dimensions: D });
  const js = new BruteForceVectorIndex({ dimensions: D, accelerate: false });
  const hnsw = new HnswVectorIndex({ dimensions: D });
  if (!simd.accelerated) throw new Error('semantic bench: usearch is not installed (npm install usearch)');
  for (let i = 0; i < count; i++) {
    simd.addNow(idOf(i), row(vectors, i, D));
    js.addNow(idOf(i), row(vectors, i, D));
  }
  const started = performance.now();
  for (let i = 0; i < count; i++) hnsw.addNow(idOf(i), row(vectors, i, D));
  return { simd, js, hnsw, hnswBuildMs: performance.now() - started };
}

/** Cache-key-sized ids, as the service will use. */
function idOf(i: number): string {
  return `ai:qa:${i.toString(36).padStart(43, '0')}`;
}

function queriesNear(vectors: Float32Array, count: number, seed: number, howMany: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: howMany }, () => nearby(row(vectors, Math.floor(random() * count), D), random, 0.3));
}

/** Share of queries (with an exact answer) for which HNSW answers the exact nearest vector. */
function recallOf(hnsw: InProcessVectorIndex, exact: InProcessVectorIndex, queries: Float32Array[]): number {
  let answered = 0;
  let same = 0;
  for (const query of queries) {
    const expected = exact.nearestNow(query, MIN_SIMILARITY);
    if (expected === undefined) continue;
    answered++;
    if (hnsw.nearestNow(query, MIN_SIMILARITY)?.similarity === expected.similarity) same++;
  }
  return answered === 0 ? 1 : same / answered;
}

async function lookupScenario(ctx: BenchContext, entries: number): Promise<ScenarioResult> {
  ctx.log(`semantic: building indexes of ${entries} vectors (${D} dims)`);
  const vectors = clusteredUnitVectors(entries, D, entries);
  const queries = queriesNear(vectors, entries, entries + 1, QUERIES);
  const built = buildIndexes(vectors, entries);
  const recall = recallOf(built.hnsw, built.simd, queries);
  const buildNote = `built in ${(built.hnswBuildMs / 1000).toFixed(1)} s (${Math.round((built.hnswBuildMs * 1000) / entries)} µs per add)`;
  ctx.log(`semantic: lookup among ${entries} vectors (HNSW recall@1 ${(recall * 100).toFixed(1)} %, ${buildNote})`);
  const lookup = (index: InProcessVectorIndex) => (i: number) => index.nearest(queries[i % QUERIES], MIN_SIMILARITY);
  return runScenario(
    {
      id: `semantic.lookup.${entries}`,
      group: 'semantic index',
      title: `lookup among ${entries.toLocaleString('en-US')} vectors per scope (${D} dims, threshold ${MIN_SIMILARITY})`,
      unit: 'ops/s',
      higherIsBetter: true,
      contenders: [
        { name: SIMD_BRUTE_FORCE, kind: 'ours', op: lookup(built.simd), note: 'exact' },
        { name: HNSW, kind: 'ours', op: lookup(built.hnsw), note: `recall@1 ${(recall * 100).toFixed(1)} % of exact; ${buildNote}` },
        { name: JS_BRUTE_FORCE, kind: 'ours', op: lookup(built.js), note: 'exact, without usearch' },
      ],
    },
    ctx.reps,
    ctx.repMsScale,
  );
}

/** p50 of `nearestNow` over the queries, in microseconds (synchronous: no promise in the timing). */
function p50Us(index: InProcessVectorIndex, queries: Float32Array[]): number {
  const samples = new Float64Array(queries.length);
  queries.forEach((query, q) => {
    const started = performance.now();
    index.nearestNow(query, MIN_SIMILARITY);
    samples[q] = (performance.now() - started) * 1000;
  });
  return percentile(samples.sort(), 50);
}

/**
 * The size from which HNSW stays faster than `brute` for every larger size measured, interpolated
 * in log scale between the two sizes around the switch; 2 × the largest size when it never does.
 */
export function crossoverOf(sizes: number[], bruteP50: number[], hnswP50: number[]): number {
  let first = sizes.length;
  for (let k = sizes.length - 1; k >= 0 && hnswP50[k] < bruteP50[k]; k--) first = k;
  if (first === sizes.length) return 2 * sizes[sizes.length - 1];
  if (first === 0) return sizes[0];
  const before = Math.log(hnswP50[first - 1] / bruteP50[first - 1]); // >= 0: brute force faster
  const after = Math.log(hnswP50[first] / bruteP50[first]); // < 0: HNSW faster
  const t = before / (before - after);
  return Math.round(Math.exp(Math.log(sizes[first - 1]) + t * (Math.log(sizes[first]) - Math.log(sizes[first - 1]))));
}

async function crossoverScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const sizes = ctx.sizes.semanticCrossoverSizes;
  const largest = sizes[sizes.length - 1];
  ctx.log(`semantic: crossover, indexes of ${sizes.join(', ')} vectors`);
  const vectors = clusteredUnitVectors(largest, D, 99);
  const built = sizes.map((size) => ({ size, ...buildIndexes(vectors, size), queries: queriesNear(vectors, size, size, CROSSOVER_QUERIES) }));
  const tables: Record<'simd' | 'js', string> = { simd: '', js: '' };
  const measure = (brute: 'simd' | 'js') => async () => {
    const bruteP50: number[] = [];
    const hnswP50: number[] = [];
    for (const b of built) {
      // Interleaved in halves, so that a noisy moment hits both.
      const half = b.queries.length >> 1;
      const hnswFirst = p50Us(b.hnsw, b.queries.slice(0, half));
      const bruteBoth = (p50Us(b[brute], b.queries.slice(0, half)) + p50Us(b[brute], b.queries.slice(half))) / 2;
      hnswP50.push((hnswFirst + p50Us(b.hnsw, b.queries.slice(half))) / 2);
      bruteP50.push(bruteBoth);
    }
    tables[brute] = sizes.map((size, k) => `${size}: ${bruteP50[k].toFixed(0)}/${hnswP50[k].toFixed(0)}`).join(', ');
    return { value: crossoverOf(sizes, bruteP50, hnswP50) };
  };
  const result = await runScenario(
    {
      id: 'semantic.crossover',
      group: 'semantic index',
      title: `size from which HNSW lookups beat brute force (${D} dims; measured at ${sizes.join(', ')})`,
      unit: 'vectors',
      higherIsBetter: false,
      contenders: [
        { name: 'crossover: HNSW vs brute force (usearch SIMD scan)', kind: 'ours', rep: measure('simd') },
        { name: 'crossover: HNSW vs brute force (JavaScript scan)', kind: 'ours', rep: measure('js') },
      ],
    },
    ctx.reps,
  );
  const never = 2 * largest;
  result.results.forEach((contender, k) => {
    const table = k === 0 ? tables.simd : tables.js;
    const bound = contender.figure.median >= never ? `HNSW never faster up to ${largest}; ` : contender.figure.median <= sizes[0] ? `HNSW already faster at ${sizes[0]}; ` : '';
    contender.note = `${bound}last rep p50 µs brute/HNSW: ${table}`;
  });
  return result;
}

async function memoryScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const entries = ctx.sizes.semanticMemoryEntries;
  ctx.log(`semantic: memory per vector at ${entries} vectors (child processes)`);
  const estimates: Record<string, number> = {};
  const measure = (kind: 'brute-force' | 'hnsw') => async () => {
    const memory = await measureIndexMemory(kind, entries);
    estimates[kind] = memory.estimatePerVector;
    return { value: memory.rssPerVector };
  };
  const result = await runScenario(
    {
      id: 'semantic.bytesPerVector',
      group: 'semantic index',
      title: `memory per vector at ${entries.toLocaleString('en-US')} vectors (${D} dims = ${D * 4} B of floats; RSS growth in a fresh process)`,
      unit: 'B/entry',
      higherIsBetter: false,
      contenders: [
        { name: 'nestjs-ai-cache BruteForceVectorIndex', kind: 'ours', rep: measure('brute-force') },
        { name: HNSW, kind: 'ours', rep: measure('hnsw') },
      ],
    },
    ctx.reps,
  );
  result.results[0].note = `index's own estimate ${Math.round(estimates['brute-force'])} B`;
  result.results[1].note = `index's own estimate ${Math.round(estimates.hnsw)} B`;
  return result;
}
