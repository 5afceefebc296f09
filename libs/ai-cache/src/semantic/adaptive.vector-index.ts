/**
 * The default index: exact brute force while the scope is small, HNSW once it holds `crossover`
 * vectors (the size above which HNSW lookups measured faster: see `DEFAULT_HNSW_CROSSOVER`).
 *
 * The switch never blocks on a whole graph build: past the crossover each add or remove also
 * inserts up to `migrationBatch` older vectors into the graph, and lookups stay exact brute force
 * until the graph holds every vector. Below half the crossover (after removals) the graph is
 * dropped, so a scope hovering around the crossover does not rebuild it back and forth.
 *
 * Without `usearch` installed the index stays brute force at every size (exact, slower at large
 * sizes), and `hnswAvailable` says so: semantic match keeps working, only lookups cost more.
 */
import { exactNearest } from './brute-force.vector-index';
import { hnswParameters, type HnswParameters } from './hnsw.graph';
import { HnswLayer } from './hnsw.layer';
import { migrationBatchOf } from './hnsw.vector-index';
import { InProcessVectorIndex } from './in-process.vector-index';
import { tryLoadUsearch, type UsearchModule } from './usearch.loader';
import type { VectorIndexKind } from './vector-index.interface';
import type { SlotMatch } from './vector-slab';

/**
 * Vectors from which HNSW lookups beat the brute-force scan. Measured by
 * `npm run bench -- --only semantic` (scenario `semantic.crossover`: 384 dimensions, usearch SIMD
 * scan vs HNSW, p50 per lookup): 1 870 (1 780–1 950) and 2 210 (1 940–4 100) vectors in two runs on
 * a 2-core VM. Below it brute force is as fast or faster, exact, and cheaper to add to (a copy vs a
 * graph insertion of 0.1–0.6 ms) and to hold (about half the memory).
 */
export const DEFAULT_HNSW_CROSSOVER = 2000;

export interface AdaptiveVectorIndexOptions extends HnswParameters {
  /** Length of every vector. */
  dimensions: number;
  /** Vectors from which HNSW is used (when `usearch` is installed). Default `DEFAULT_HNSW_CROSSOVER`; `Infinity` = never. */
  crossover?: number;
  /** Vectors moved into the graph per add or remove while it is built. Default 8. */
  migrationBatch?: number;
  /** Brute force on usearch's SIMD kernel when installed (see `BruteForceVectorIndex`). Default true. */
  accelerate?: boolean;
}

export class AdaptiveVectorIndex extends InProcessVectorIndex {
  private readonly usearch: UsearchModule | undefined;
  private readonly simd: UsearchModule | undefined;
  private readonly crossover: number;
  private readonly migrationBatch: number;
  private readonly parameters: Required<HnswParameters>;
  private layer: HnswLayer | undefined;

  constructor(options: AdaptiveVectorIndexOptions) {
    super(options.dimensions);
    const crossover = options.crossover ?? DEFAULT_HNSW_CROSSOVER;
    if (crossover !== Infinity && (!Number.isInteger(crossover) || crossover < 1)) {
      throw new RangeError(`crossover must be a positive integer or Infinity (received ${crossover})`);
    }
    this.crossover = crossover;
    this.migrationBatch = migrationBatchOf(options.migrationBatch);
    this.parameters = hnswParameters(options);
    this.usearch = tryLoadUsearch();
    this.simd = options.accelerate === false ? undefined : this.usearch;
  }

  /** False when `usearch` is not installed: the index then stays brute force. */
  get hnswAvailable(): boolean {
    return this.usearch !== undefined;
  }

  /** 'hnsw' once the graph reaches every vector; 'brute-force' before (and while switching). */
  get kind(): VectorIndexKind {
    return this.layer?.ready && this.slab.size > 0 ? 'hnsw' : 'brute-force';
  }

  override get bytes(): number {
    return this.slab.bytes + (this.layer?.bytes ?? 0);
  }

  addNow(id: string, vector: Float32Array): void {
    const { slot } = this.slab.add(id, vector);
    if (this.layer === undefined && this.usearch !== undefined && this.slab.size >= this.crossover) {
      this.layer = new HnswLayer(this.slab, this.parameters, this.migrationBatch);
    }
    if (this.layer === undefined) return;
    this.layer.insert(slot);
    this.layer.step();
  }

  removeNow(id: string): boolean {
    const removal = this.slab.remove(id);
    if (removal === undefined) return false;
    if (this.layer === undefined) return true;
    if (this.slab.size < this.crossover / 2) {
      this.layer = undefined;
    } else {
      this.layer.applyRemoval(removal);
      this.layer.step();
    }
    return true;
  }

  clearNow(): void {
    this.slab.clear();
    this.layer = undefined;
  }

  protected search(query: Float32Array): SlotMatch | undefined {
    if (this.layer?.ready) return this.layer.nearest(query);
    return exactNearest(this.slab, query, this.simd);
  }
}
