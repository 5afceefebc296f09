/**
 * `usearch` (HNSW, SIMD kernels) is an optional peer: loaded on first use, never by the main entry,
 * so the library runs without it. Only the few calls we make are typed here, so that no type of
 * ours depends on the package being installed.
 */

/** The subset of usearch's `Index` we use (keys are bigint, `threads` is always 1: see HnswGraph). */
export interface UsearchIndex {
  add(keys: bigint, vectors: Float32Array, threads: number): void;
  search(vector: Float32Array, k: number, threads: number): { keys: BigUint64Array; distances: Float32Array };
  remove(keys: bigint): number;
  size(): number;
}

export interface UsearchIndexConfig {
  dimensions: number;
  metric: 'ip';
  quantization: 'f32';
  connectivity: number;
  expansion_add: number;
  expansion_search: number;
  multi: false;
}

export interface UsearchModule {
  Index: new (config: UsearchIndexConfig) => UsearchIndex;
  /** SIMD exact k-nearest search over a flat matrix; keys are row numbers. */
  exactSearch(dataset: Float32Array, query: Float32Array, dimensions: number, k: number, metric: 'ip', threads: number): { keys: BigUint64Array; distances: Float32Array };
}

export const USEARCH_PACKAGE = 'usearch';

/** The optional package is missing or does not load on this platform. */
export class UsearchUnavailableError extends Error {
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(`nestjs-ai-cache: the HNSW index needs the optional package \`${USEARCH_PACKAGE}\` (npm install ${USEARCH_PACKAGE}); it could not be loaded: ${reason}`);
    this.name = 'UsearchUnavailableError';
  }
}

type Loader = (id: string) => unknown;

let loaded: { module: UsearchModule } | { error: UsearchUnavailableError } | undefined;

/** Loads `usearch` once (later calls answer the same), throwing `UsearchUnavailableError` when it is missing. */
export function loadUsearch(): UsearchModule {
  loaded ??= loadWith(require);
  if ('error' in loaded) throw loaded.error;
  return loaded.module;
}

/** `usearch`, or undefined when it cannot be loaded (see `loadUsearch` for why). */
export function tryLoadUsearch(): UsearchModule | undefined {
  try {
    return loadUsearch();
  } catch {
    return undefined;
  }
}

/** One load attempt through `load` (`require`, or a stand-in in tests). */
export function loadWith(load: Loader): { module: UsearchModule } | { error: UsearchUnavailableError } {
  try {
    const candidate = load(USEARCH_PACKAGE) as Partial<UsearchModule> | undefined;
    if (typeof candidate?.Index !== 'function' || typeof candidate.exactSearch !== 'function') {
      throw new Error('the package does not export Index and exactSearch (usearch 2.x is expected)');
    }
    return { module: candidate as UsearchModule };
  } catch (error) {
    return { error: new UsearchUnavailableError(error) };
  }
}
