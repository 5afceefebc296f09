/** What every scenario module receives: sizes (full or smoke), repetitions, the Redis to use, a logger. */
export interface BenchSizes {
  /** Distinct entries the hit scenarios cycle through. */
  keys: number;
  /** Entries for the bytes-per-entry scenario (100 000 in the full run). */
  bytesEntries: number;
  /** Concurrent identical callers in the single-flight scenario (1 000 in the full run). */
  coalescedCallers: number;
  /** Text sizes for key building, in bytes. */
  keyTextBytes: number[];
  /** Text sizes for compression, in bytes. */
  compressionTextBytes: number[];
  /** Requests per redis-benchmark repetition. */
  redisBenchmarkRequests: number;
  /** Vectors per scope for the semantic-index lookup rows (384 dimensions). */
  semanticIndexEntries: number[];
  /** Sizes at which brute force and HNSW are compared to find the crossover. */
  semanticCrossoverSizes: number[];
  /** Vectors of the index built for the memory-per-vector row. */
  semanticMemoryEntries: number;
}

export interface BenchContext {
  reps: number;
  /** Scales every repetition's target duration (smoke runs use a small fraction). */
  repMsScale: number;
  sizes: BenchSizes;
  redis: { url: string; host: string; port: number };
  log: (message: string) => void;
}

export const FULL_SIZES: BenchSizes = {
  keys: 1000,
  bytesEntries: 100_000,
  coalescedCallers: 1000,
  keyTextBytes: [1024, 100 * 1024, 1024 * 1024],
  compressionTextBytes: [10 * 1024, 100 * 1024],
  redisBenchmarkRequests: 10_000,
  semanticIndexEntries: [1000, 10_000, 100_000],
  semanticCrossoverSizes: [500, 1000, 2000, 3000, 4000, 6000, 8000, 16_000],
  semanticMemoryEntries: 10_000,
};

/** Tiny sizes for the smoke test: every scenario runs, nothing is meant to be a measurement. */
export const SMOKE_SIZES: BenchSizes = {
  keys: 20,
  bytesEntries: 500,
  coalescedCallers: 1000,
  keyTextBytes: [1024, 16 * 1024, 64 * 1024],
  compressionTextBytes: [10 * 1024, 20 * 1024],
  redisBenchmarkRequests: 200,
  semanticIndexEntries: [200, 1000],
  semanticCrossoverSizes: [100, 200, 400],
  semanticMemoryEntries: 500,
};
