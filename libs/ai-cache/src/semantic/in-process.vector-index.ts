/**
 * What the in-process indexes share: the vectors in a `VectorSlab`, and the asynchronous
 * `VectorIndex` methods over synchronous ones (all the work is done before the promise is returned;
 * an argument error rejects the promise, it never throws).
 */
import type { VectorIndex, VectorIndexKind, VectorMatch } from './vector-index.interface';
import { assertSimilarityThreshold } from './vector';
import { VectorSlab, type SlotMatch } from './vector-slab';

export abstract class InProcessVectorIndex implements VectorIndex {
  protected readonly slab: VectorSlab;

  protected constructor(dimensions: number) {
    this.slab = new VectorSlab(dimensions);
  }

  abstract get kind(): VectorIndexKind;

  get dimensions(): number {
    return this.slab.dimensions;
  }

  get size(): number {
    return this.slab.size;
  }

  get bytes(): number {
    return this.slab.bytes;
  }

  has(id: string): boolean {
    return this.slab.slotOf(id) !== undefined;
  }

  async add(id: string, vector: Float32Array): Promise<void> {
    this.addNow(id, vector);
  }

  async remove(id: string): Promise<boolean> {
    return this.removeNow(id);
  }

  async nearest(query: Float32Array, minSimilarity: number): Promise<VectorMatch | undefined> {
    return this.nearestNow(query, minSimilarity);
  }

  async clear(): Promise<void> {
    this.clearNow();
  }

  /** `nearest`, synchronously. */
  nearestNow(query: Float32Array, minSimilarity: number): VectorMatch | undefined {
    assertSimilarityThreshold(minSimilarity);
    this.slab.assertDimensions(query);
    const match = this.search(query);
    if (match === undefined || match.similarity < minSimilarity) return undefined;
    return { id: this.slab.idAt(match.slot), similarity: match.similarity };
  }

  /** `add`, synchronously. */
  abstract addNow(id: string, vector: Float32Array): void;
  /** `remove`, synchronously. */
  abstract removeNow(id: string): boolean;
  /** `clear`, synchronously. */
  abstract clearNow(): void;
  /** The best match by exact similarity among what the index searches (validated query). */
  protected abstract search(query: Float32Array): SlotMatch | undefined;
}
