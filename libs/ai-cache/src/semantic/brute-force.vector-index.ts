/**
 * Exact nearest-neighbour search: every vector is compared with the query. Exact (it never misses)
 * and cheap to maintain (an add is a copy); its lookup cost grows linearly with the size, which is
 * why `AdaptiveVectorIndex` moves to HNSW above a measured size.
 */
import { InProcessVectorIndex } from './in-process.vector-index';
import { tryLoadUsearch, type UsearchModule } from './usearch.loader';
import type { VectorSlab, SlotMatch } from './vector-slab';

/** Candidates the SIMD kernel returns for the exact re-check (rounding ties near the top). */
const SIMD_CANDIDATES = 4;

export interface BruteForceVectorIndexOptions {
  /** Length of every vector. */
  dimensions: number;
  /**
   * Scan with usearch's SIMD kernel when the optional `usearch` package is installed (several times
   * faster than plain JavaScript; the winner's similarity is still recomputed exactly). Default true;
   * false always scans in JavaScript.
   */
  accelerate?: boolean;
}

export class BruteForceVectorIndex extends InProcessVectorIndex {
  readonly kind = 'brute-force' as const;
  private readonly simd: UsearchModule | undefined;

  constructor(options: BruteForceVectorIndexOptions) {
    super(options.dimensions);
    this.simd = options.accelerate === false ? undefined : tryLoadUsearch();
  }

  /** True when scans run on usearch's SIMD kernel. */
  get accelerated(): boolean {
    return this.simd !== undefined;
  }

  addNow(id: string, vector: Float32Array): void {
    this.slab.add(id, vector);
  }

  removeNow(id: string): boolean {
    return this.slab.remove(id) !== undefined;
  }

  clearNow(): void {
    this.slab.clear();
  }

  protected search(query: Float32Array): SlotMatch | undefined {
    return exactNearest(this.slab, query, this.simd);
  }
}

/** The exact nearest vector of `slab`: scanned by usearch's SIMD kernel when given, else in JavaScript. */
export function exactNearest(slab: VectorSlab, query: Float32Array, simd: UsearchModule | undefined): SlotMatch | undefined {
  const size = slab.size;
  if (size === 0) return undefined;
  if (simd === undefined) return slab.nearest(query);
  const dimensions = slab.dimensions;
  const { keys } = simd.exactSearch(slab.storage.subarray(0, size * dimensions), query, dimensions, Math.min(SIMD_CANDIDATES, size), 'ip', 1);
  return slab.mostSimilarOf(Array.from(keys, Number), query);
}
