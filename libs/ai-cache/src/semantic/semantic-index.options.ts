/** Options, bounds and statistics of `SemanticIndexRegistry`. */
import type { VectorIndex } from './vector-index.interface';

export const DEFAULT_MAX_ENTRIES_PER_SCOPE = 10_000;
export const DEFAULT_MAX_SCOPES = 10_000;
export const DEFAULT_MAX_VECTORS = 100_000;
/** 64 MiB of vector data: 43 690 vectors of 384 dimensions, 10 922 of 1536. */
export const DEFAULT_MAX_VECTOR_BYTES = 64 * 1024 * 1024;
/** Longest scope id and entry id accepted (both are hashes or cache keys, never user text). */
export const MAX_SCOPE_LENGTH = 256;
export const MAX_ID_LENGTH = 1024;

export interface SemanticIndexRegistryOptions {
  /** Vectors per scope; beyond it the scope's least recently used vector is evicted. Default 10 000. */
  maxEntriesPerScope?: number;
  /** Scopes held; beyond it the least recently used scope is dropped whole. Default 10 000. */
  maxScopes?: number;
  /** Vectors held across all scopes; beyond it the oldest vector of the least recently used scope goes. Default 100 000. */
  maxVectors?: number;
  /**
   * Bytes of vector data across all scopes (4 bytes per dimension per vector), bounded like
   * `maxVectors`. Default 64 MiB. What the indexes really hold is larger: see `stats().bytes`.
   */
  maxVectorBytes?: number;
  /** Makes the index of a new scope, given the dimensions of its first vector. Default: `AdaptiveVectorIndex`. */
  createIndex?: (dimensions: number) => VectorIndex;
  /**
   * Told of every vector the registry drops on its own (bounds, expiry), after the registry is
   * consistent again; never for `remove*` and `clear*` calls. Must not throw.
   */
  onEvict?: (eviction: VectorEviction) => void;
  /** Clock for `expiresAt`, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

export type EvictionReason = 'maxEntriesPerScope' | 'maxScopes' | 'maxVectors' | 'maxVectorBytes' | 'expired';

export interface VectorEviction {
  scope: string;
  id: string;
  reason: EvictionReason;
}

export interface SemanticIndexStats {
  scopes: number;
  vectors: number;
  /** Estimated memory of every index (vector storage, HNSW graphs, ids), in bytes. */
  bytes: number;
  /** Bytes of vector data, the figure `maxVectorBytes` bounds. */
  vectorBytes: number;
  /** Scopes whose index currently searches with HNSW. */
  hnswScopes: number;
  limits: { maxEntriesPerScope: number; maxScopes: number; maxVectors: number; maxVectorBytes: number };
  /** Vectors dropped by the registry itself, by reason. */
  evictions: Record<EvictionReason, number>;
}

export interface ResolvedRegistryLimits {
  maxEntriesPerScope: number;
  maxScopes: number;
  maxVectors: number;
  maxVectorBytes: number;
}

/** The limits as given (validated, naming the option), with defaults only for those not given. */
export function resolveRegistryLimits(options: SemanticIndexRegistryOptions): ResolvedRegistryLimits {
  return {
    maxEntriesPerScope: positiveInteger(options.maxEntriesPerScope, DEFAULT_MAX_ENTRIES_PER_SCOPE, 'maxEntriesPerScope'),
    maxScopes: positiveInteger(options.maxScopes, DEFAULT_MAX_SCOPES, 'maxScopes'),
    maxVectors: positiveInteger(options.maxVectors, DEFAULT_MAX_VECTORS, 'maxVectors'),
    maxVectorBytes: positiveInteger(options.maxVectorBytes, DEFAULT_MAX_VECTOR_BYTES, 'maxVectorBytes'),
  };
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer (received ${String(value)})`);
  return value;
}
