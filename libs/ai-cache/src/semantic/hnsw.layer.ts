/**
 * The HNSW side of an index: the graph that answers, and its replacement while one is being built.
 *
 * A graph is filled without blocking: each call to `step` inserts at most `migrationBatch` vectors
 * of the slab that are not in it yet. Removed vectors leave dead nodes behind (see HnswGraph); once
 * they outnumber the live ones, a new graph is started and filled the same way, while the old one
 * keeps answering: until the new one holds every vector, candidates come from both. Every live
 * vector is always in one of them (the old graph was complete when the new one started, and every
 * add goes into the new one), so lookups never lose coverage during a rebuild.
 *
 * Memory: the graph holds at most 2× the live vectors plus `MIN_DEAD_BEFORE_REBUILD`; during a
 * rebuild the old graph adds as much again.
 */
import { HnswGraph, type HnswParameters } from './hnsw.graph';
import type { SlotMatch, SlotRemoval, VectorSlab } from './vector-slab';

/** Dead nodes tolerated in any graph before a rebuild is considered (small graphs are not rebuilt for a few). */
const MIN_DEAD_BEFORE_REBUILD = 256;

export class HnswLayer {
  private current: HnswGraph;
  private previous: HnswGraph | undefined;
  private cursor = 0;

  constructor(
    private readonly slab: VectorSlab,
    private readonly parameters: Required<HnswParameters>,
    private readonly migrationBatch: number,
  ) {
    this.current = new HnswGraph(slab.dimensions, parameters);
  }

  /** True when the graphs reach every vector of the slab (lookups may go through them). */
  get ready(): boolean {
    return this.previous !== undefined || this.current.count === this.slab.size;
  }

  /** True while a replacement graph is being filled (lookups then ask both graphs). */
  get rebuilding(): boolean {
    return this.previous !== undefined;
  }

  get bytes(): number {
    return this.current.bytes + (this.previous?.bytes ?? 0);
  }

  /** The vector in `slot` was added or replaced. */
  insert(slot: number): void {
    this.previous?.delete(slot);
    this.current.insert(slot, this.slab.vectorAt(slot));
  }

  /** Follows a `VectorSlab.remove`. */
  applyRemoval(removal: SlotRemoval): void {
    this.previous?.applyRemoval(removal);
    this.current.applyRemoval(removal);
  }

  /** The best match among the graphs' candidates, re-checked exactly against the slab. */
  nearest(query: Float32Array): SlotMatch | undefined {
    const candidates = new Set<number>();
    this.current.collectCandidates(query, candidates);
    this.previous?.collectCandidates(query, candidates);
    return candidates.size === 0 ? undefined : this.slab.mostSimilarOf([...candidates], query);
  }

  /** Bounded work after each change: fill the current graph a little, retire or start a graph. */
  step(): void {
    const size = this.slab.size;
    let budget = this.migrationBatch;
    for (let scanned = 0; budget > 0 && this.current.count < size && scanned < size; scanned++) {
      if (this.cursor >= size) this.cursor = 0;
      if (!this.current.has(this.cursor)) {
        this.current.insert(this.cursor, this.slab.vectorAt(this.cursor));
        budget--;
      }
      this.cursor++;
    }
    if (this.current.count < size) return;
    this.previous = undefined;
    if (this.current.dead > Math.max(this.current.count, MIN_DEAD_BEFORE_REBUILD)) {
      this.previous = this.current;
      this.current = new HnswGraph(this.slab.dimensions, this.parameters);
      this.cursor = 0;
    }
  }
}
