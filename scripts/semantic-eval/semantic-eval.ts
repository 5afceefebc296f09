/**
 * The semantic-match tuning tool's engine: embeds both texts of every labelled pair with the
 * embedder under test, computes their cosine similarity, and counts, for each threshold, the
 * pairs a cache would have matched (similarity ≥ threshold) against their labels.
 *
 * A true positive is a paraphrase matched (a correct semantic hit); a false positive a near miss
 * matched (a wrong answer served); a false negative a paraphrase missed (a model call that could
 * have been saved). Precision first: pick the lowest threshold whose precision is high enough.
 */
import { readFileSync } from 'node:fs';
import { toUnitVector, unitSimilarity } from '../../libs/ai-cache/src/semantic/vector';

export interface LabelledPair {
  id: string;
  category: string;
  /** True when a cached answer for `a` is right for `b`. */
  match: boolean;
  a: string;
  b: string;
}

export interface ThresholdRow {
  threshold: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  /** TP / (TP + FP); null when nothing matched at this threshold. */
  precision: number | null;
  /** TP / (TP + FN). */
  recall: number;
  /** Harmonic mean of precision and recall; null when precision is. */
  f1: number | null;
  /** Near misses matched at this threshold, by category. */
  falseMatchesByCategory: Record<string, number>;
}

export interface CategorySimilarity {
  pairs: number;
  match: boolean;
  min: number;
  median: number;
  max: number;
}

export interface EvalReport {
  dataset: { pairs: number; matching: number; nonMatching: number; byCategory: Record<string, number> };
  thresholds: ThresholdRow[];
  /** The threshold with the most recall among those reaching `minPrecision` (the highest such one on ties), or null. */
  recommended: { minPrecision: number; threshold: number | null; precision: number | null; recall: number | null };
  categories: Record<string, CategorySimilarity>;
  pairs: Array<{ id: string; category: string; match: boolean; similarity: number }>;
}

export const DEFAULT_THRESHOLDS: number[] = [...Array.from({ length: 20 }, (_, i) => (80 + i) / 100), 0.995, 1];
export const DEFAULT_MIN_PRECISION = 0.99;

/** Reads and checks a dataset file: `{ pairs: LabelledPair[] }` with unique ids. */
export function loadDataset(path: string): LabelledPair[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the dataset ${path}: ${(error as Error).message}`);
  }
  const pairs = (parsed as { pairs?: unknown } | null)?.pairs;
  if (!Array.isArray(pairs) || pairs.length === 0) throw new Error(`dataset ${path}: expected { "pairs": [ … ] } with at least one pair`);
  const ids = new Set<string>();
  pairs.forEach((pair: Partial<LabelledPair>, i) => {
    const where = `dataset ${path}, pair ${i}`;
    if (typeof pair?.id !== 'string' || ids.has(pair.id)) throw new Error(`${where}: needs a unique string id`);
    ids.add(pair.id);
    if (typeof pair.category !== 'string' || pair.category === '') throw new Error(`${where} (${pair.id}): needs a category`);
    if (typeof pair.match !== 'boolean') throw new Error(`${where} (${pair.id}): match must be true or false`);
    if (typeof pair.a !== 'string' || typeof pair.b !== 'string' || !pair.a || !pair.b) throw new Error(`${where} (${pair.id}): a and b must be non-empty strings`);
  });
  return pairs as LabelledPair[];
}

export interface EvaluateOptions {
  thresholds?: number[];
  minPrecision?: number;
  /** Embeds in flight at once. Default 8. */
  concurrency?: number;
}

/** Embeds every distinct text once, then scores every threshold. Rejects, naming the text's pair, when an embed fails. */
export async function evaluate(embed: (text: string) => Promise<ArrayLike<number>>, pairs: LabelledPair[], options: EvaluateOptions = {}): Promise<EvalReport> {
  const thresholds = [...(options.thresholds ?? DEFAULT_THRESHOLDS)].sort((x, y) => x - y);
  const minPrecision = options.minPrecision ?? DEFAULT_MIN_PRECISION;
  for (const t of [...thresholds, minPrecision]) if (!(t >= 0 && t <= 1)) throw new RangeError(`thresholds and min precision must be from 0 to 1 (received ${t})`);
  const vectors = await embedAll(embed, pairs, options.concurrency ?? 8);
  const scored = pairs.map((pair) => ({ id: pair.id, category: pair.category, match: pair.match, similarity: unitSimilarity(vectors.get(pair.a) as Float32Array, vectors.get(pair.b) as Float32Array) }));
  const rows = thresholds.map((threshold) => scoreThreshold(scored, threshold));
  // Recall only falls as the threshold rises: the first eligible row has the most; among rows with
  // that recall, the highest threshold is as good and at least as precise.
  const eligible = rows.filter((row) => row.precision !== null && row.precision >= minPrecision);
  const best = eligible.filter((row) => row.recall === eligible[0].recall).pop();
  return {
    dataset: {
      pairs: pairs.length,
      matching: pairs.filter((p) => p.match).length,
      nonMatching: pairs.filter((p) => !p.match).length,
      byCategory: countBy(pairs.map((p) => p.category)),
    },
    thresholds: rows,
    recommended: { minPrecision, threshold: best?.threshold ?? null, precision: best?.precision ?? null, recall: best?.recall ?? null },
    categories: similarityByCategory(scored),
    pairs: scored,
  };
}

function scoreThreshold(scored: EvalReport['pairs'], threshold: number): ThresholdRow {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const falseMatches: Record<string, number> = {};
  for (const pair of scored) {
    const matched = pair.similarity >= threshold;
    if (pair.match && matched) tp++;
    else if (pair.match) fn++;
    else if (matched) {
      fp++;
      falseMatches[pair.category] = (falseMatches[pair.category] ?? 0) + 1;
    } else tn++;
  }
  const precision = tp + fp === 0 ? null : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn, precision, recall, f1, falseMatchesByCategory: falseMatches };
}

async function embedAll(embed: (text: string) => Promise<ArrayLike<number>>, pairs: LabelledPair[], concurrency: number): Promise<Map<string, Float32Array>> {
  const owner = new Map<string, string>();
  for (const pair of pairs) for (const text of [pair.a, pair.b]) if (!owner.has(text)) owner.set(text, pair.id);
  const texts = [...owner.keys()];
  const vectors = new Map<string, Float32Array>();
  let next = 0;
  const worker = async () => {
    while (next < texts.length) {
      const text = texts[next++];
      try {
        vectors.set(text, toUnitVector(await embed(text), undefined, 'embedding'));
      } catch (error) {
        throw new Error(`embedding a text of pair ${owner.get(text)} failed: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, texts.length)) }, worker));
  const dimensions = new Set([...vectors.values()].map((v) => v.length));
  if (dimensions.size > 1) throw new Error(`the embedder returned vectors of different lengths: ${[...dimensions].join(', ')}`);
  return vectors;
}

function similarityByCategory(scored: EvalReport['pairs']): Record<string, CategorySimilarity> {
  const out: Record<string, CategorySimilarity> = {};
  for (const category of new Set(scored.map((p) => p.category))) {
    const members = scored.filter((p) => p.category === category);
    const values = members.map((p) => p.similarity).sort((x, y) => x - y);
    const mid = values.length >> 1;
    out[category] = {
      pairs: values.length,
      match: members[0].match,
      min: values[0],
      median: values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2,
      max: values[values.length - 1],
    };
  }
  return out;
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}
