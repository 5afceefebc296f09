/**
 * Approximate nearest-neighbour search with an HNSW graph (the optional peer `usearch`): lookups
 * grow with log(size) instead of size, at the price of a costlier add (a graph insertion), about
 * twice the memory per vector, and an occasional miss (the graph may not find the nearest vector).
 * Never a wrong answer: the graph's candidates are re-checked exactly against our own copy.
 * Constructing one without `usearch` installed throws `UsearchUnavailableError`, naming the package.
 */
import { hnswParameters, type HnswParameters } from './hnsw.graph';
import { HnswLayer } from './hnsw.layer';
import { InProcessVectorIndex } from './in-process.vector-index';
import type { SlotMatch } from './vector-slab';

/** Vectors moved into a replacement graph per change while the graph is rebuilt (see HnswLayer). */
export const DEFAULT_MIGRATION_BATCH = 8;

export interface HnswVectorIndexOptions extends HnswParameters {
  /** Length of every vector. */
  dimensions: number;
  /** Vectors moved into a new graph per add or remove while one is built. Default 8. */
  migrationBatch?: number;
}

export class HnswVectorIndex extends InProcessVectorIndex {
  readonly kind = 'hnsw' as const;
  private readonly parameters: Required<HnswParameters>;
  private readonly migrationBatch: number;
  private layer: HnswLayer;

  constructor(options: HnswVectorIndexOptions) {
    super(options.dimensions);
    this.parameters = hnswParameters(options);
    this.migrationBatch = migrationBatchOf(options.migrationBatch);
    this.layer = new HnswLayer(this.slab, this.parameters, this.migrationBatch);
  }

  override get bytes(): number {
    return this.slab.bytes + this.layer.bytes;
  }

  addNow(id: string, vector: Float32Array): void {
    this.layer.insert(this.slab.add(id, vector).slot);
    this.layer.step();
  }

  removeNow(id: string): boolean {
    const removal = this.slab.remove(id);
    if (removal === undefined) return false;
    this.layer.applyRemoval(removal);
    this.layer.step();
    return true;
  }

  clearNow(): void {
    this.slab.clear();
    this.layer = new HnswLayer(this.slab, this.parameters, this.migrationBatch);
  }

  protected search(query: Float32Array): SlotMatch | undefined {
    return this.layer.nearest(query);
  }
}

export function migrationBatchOf(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MIGRATION_BATCH;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`migrationBatch must be a positive integer (received ${value})`);
  return value;
}
