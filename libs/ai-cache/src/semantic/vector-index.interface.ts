/**
 * The index of one scope: the vectors of the entries that may answer each other, and the nearest
 * one to a query.
 *
 * Every method that reads or changes the vectors returns a promise, so that a server-side index
 * (Redis 8 / Redis Stack `FT.SEARCH … KNN`, one round trip per call) implements this very
 * interface. The in-process indexes do all their work synchronously inside the call, before the
 * promise is returned: their state is up to date as soon as the call returns, and a promise of
 * theirs never rejects for a reason other than the arguments. Any implementation must apply calls
 * in the order they are made (a single Redis connection does, by pipelining order).
 */
export interface VectorMatch {
  /** The id the vector was added under (the entry's cache key). */
  id: string;
  /** Cosine similarity of the stored vector and the query, recomputed exactly: 1 only for identical vectors. */
  similarity: number;
}

export type VectorIndexKind = 'brute-force' | 'hnsw';

export interface VectorIndex {
  /** How `nearest` searches right now (an adaptive index changes with its size). */
  readonly kind: VectorIndexKind;
  /** Length of every vector of this index. */
  readonly dimensions: number;
  /** Vectors held (for a server-side index: those added through this object and not removed since). */
  readonly size: number;
  /** Estimated memory held by this process for the index, in bytes. */
  readonly bytes: number;
  /**
   * Adds a unit vector (see `toUnitVector`) under `id`, replacing the vector `id` had. The index
   * keeps a copy. Rejects with a `VectorError` when its length is not `dimensions`.
   */
  add(id: string, vector: Float32Array): Promise<void>;
  /** Removes `id`'s vector; true when there was one. */
  remove(id: string): Promise<boolean>;
  /**
   * The stored vector most similar to the unit vector `query` whose cosine similarity is at least
   * `minSimilarity`, or undefined. Similarities are the exact ones (approximate candidates are
   * re-checked), `minSimilarity` is used as given (a `RangeError` outside -1..1, never a default),
   * and `minSimilarity: 1` matches a bit-for-bit identical vector only. An approximate index may
   * miss the nearest vector (a miss), never return one below `minSimilarity`.
   */
  nearest(query: Float32Array, minSimilarity: number): Promise<VectorMatch | undefined>;
  /** Removes every vector. */
  clear(): Promise<void>;
}
