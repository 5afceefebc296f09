/**
 * The `semantic` option (opt-in semantic match) and its validation, for the options resolver to call.
 * Every value given is used as given or refused at bootstrap naming it (`semantic.threshold`, …);
 * a default only ever fills a value that was not given.
 */
import { CacheOptionsError } from '../cache-options.resolver';
import type { EmbedFunction } from './embedding.types';
import { DEFAULT_MAX_ENTRIES_PER_SCOPE } from './semantic-index.options';

export interface SemanticMatchOptions {
  /** Text → embedding. Its failures (and wrong dimensions) are counted misses, never errors of the cache call. */
  embed: EmbedFunction;
  /** Name of the embedding model: part of the scope, so vectors of two models are never compared. */
  model: string;
  /** Least cosine similarity that answers, from 0 (exclusive) to 1; 1 = exact only. Default 0.95. */
  threshold?: number;
  /** Operations that may be answered by a similar request (the others stay exact only). */
  operations: string[];
  /** Vectors per scope; the least recently used is evicted beyond it. Default 10 000. */
  maxEntriesPerScope?: number;
}

export interface ResolvedSemanticOptions {
  embed: EmbedFunction;
  model: string;
  threshold: number;
  operations: ReadonlySet<string>;
  maxEntriesPerScope: number;
}

export const DEFAULT_SEMANTIC_THRESHOLD = 0.95;
const KNOWN = new Set(['embed', 'model', 'threshold', 'operations', 'maxEntriesPerScope']);
/** The operation alphabet of the options resolver. */
const OPERATION = /^[A-Za-z0-9_.-]{1,64}$/;

/** Validates `semantic` (undefined = semantic match off). */
export function resolveSemanticOptions(semantic: unknown): ResolvedSemanticOptions | undefined {
  if (semantic === undefined) return undefined;
  if (typeof semantic !== 'object' || semantic === null || Array.isArray(semantic)) {
    throw new CacheOptionsError('semantic', 'expected an object { embed, model, operations, threshold?, maxEntriesPerScope? }', semantic);
  }
  const given = semantic as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN.has(key)) throw new CacheOptionsError(`semantic.${key}`, `unknown option (expected one of ${[...KNOWN].join(', ')})`, given[key]);
  }
  const { embed, model, threshold = DEFAULT_SEMANTIC_THRESHOLD, operations, maxEntriesPerScope = DEFAULT_MAX_ENTRIES_PER_SCOPE } = given;
  if (typeof embed !== 'function') throw new CacheOptionsError('semantic.embed', 'expected a function (text: string) => Promise<number[] | Float32Array>', embed);
  if (typeof model !== 'string' || model.length === 0 || model.length > 256) {
    throw new CacheOptionsError('semantic.model', 'expected the name of the embedding model (1 to 256 characters)', model);
  }
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0 || threshold > 1) {
    throw new CacheOptionsError('semantic.threshold', 'expected a cosine similarity greater than 0 and at most 1 (1 = exact only)', threshold);
  }
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new CacheOptionsError('semantic.operations', 'expected a non-empty array of operation names', operations);
  }
  operations.forEach((operation: unknown, i) => {
    if (typeof operation !== 'string' || !OPERATION.test(operation)) {
      throw new CacheOptionsError(`semantic.operations[${i}]`, 'expected an operation name of 1 to 64 characters from [A-Za-z0-9_.-]', operation);
    }
  });
  if (!Number.isSafeInteger(maxEntriesPerScope) || (maxEntriesPerScope as number) < 1) {
    throw new CacheOptionsError('semantic.maxEntriesPerScope', 'expected a positive integer', maxEntriesPerScope);
  }
  return { embed: embed as EmbedFunction, model, threshold, operations: new Set(operations as string[]), maxEntriesPerScope: maxEntriesPerScope as number };
}
