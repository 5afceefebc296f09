/**
 * One HNSW graph (usearch) over the slots of a `VectorSlab`. The graph only proposes candidates:
 * the slab keeps the vectors and decides, exactly, which candidate is nearest and how similar.
 *
 * usearch keys are a sequence number per insertion, not slot numbers: swap-remove moves a vector to
 * another slot, and re-keying it would cost a graph insertion, so our mapping moves instead.
 *
 * A removed vector is only unmapped, never removed from usearch: `Index.remove` of usearch 2.25.3
 * (the newest line that supports Node 20) spins forever once its key table holds no empty slot,
 * which steady add/remove churn reaches within a few hundred removals (unum-cloud/USearch#753, whose
 * fix covers the iterator but not `remove`). The nodes of removed vectors stay in the graph as dead
 * weight (`dead`), skipped when searching; `HnswLayer` replaces a graph once they outnumber the live ones.
 */
import { loadUsearch, type UsearchIndex } from './usearch.loader';
import type { SlotRemoval } from './vector-slab';

export interface HnswParameters {
  /** Neighbours per node (HNSW `M`). Default 16. */
  connectivity?: number;
  /** Candidate list size while inserting (`efConstruction`). Default 64. */
  expansionAdd?: number;
  /** Candidate list size while searching (`ef`). Default 64. */
  expansionSearch?: number;
  /** Candidates re-checked exactly per query. Default 8. */
  candidates?: number;
}

export const DEFAULT_HNSW_PARAMETERS: Required<HnswParameters> = { connectivity: 16, expansionAdd: 64, expansionSearch: 64, candidates: 8 };

/** Most candidates asked of usearch per query, dead nodes included. */
const MAX_SEARCH_K = 256;
/** Our mapping per live vector (array slot + Map entry), in bytes, for `bytes`. */
const MAPPING_BYTES = 64;

/** Validated parameters with defaults for those not given (undefined counts as not given). */
export function hnswParameters(given: HnswParameters = {}): Required<HnswParameters> {
  const parameters = { ...DEFAULT_HNSW_PARAMETERS };
  for (const name of Object.keys(DEFAULT_HNSW_PARAMETERS) as Array<keyof HnswParameters>) {
    const value = given[name];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1 || value > 4096) throw new RangeError(`hnsw.${name} must be an integer from 1 to 4096 (received ${value})`);
    parameters[name] = value;
  }
  return parameters;
}

export class HnswGraph {
  private readonly index: UsearchIndex;
  private nextKey = 1;
  /** usearch key of each slot; 0 = not in the graph. */
  private readonly keyBySlot: number[] = [];
  private readonly slotByKey = new Map<number, number>();

  constructor(
    readonly dimensions: number,
    private readonly parameters: Required<HnswParameters>,
  ) {
    const { Index } = loadUsearch();
    this.index = new Index({
      dimensions,
      // Inner product on unit vectors is cosine similarity, without usearch normalising again.
      metric: 'ip',
      quantization: 'f32',
      connectivity: parameters.connectivity,
      expansion_add: parameters.expansionAdd,
      expansion_search: Math.max(parameters.expansionSearch, parameters.candidates),
      multi: false,
    });
  }

  /** Live vectors in the graph. */
  get count(): number {
    return this.slotByKey.size;
  }

  /** Nodes of removed or replaced vectors, still in usearch. */
  get dead(): number {
    return this.nextKey - 1 - this.slotByKey.size;
  }

  /** Estimated native memory: usearch's copy of each node's vector, its links, and our mapping. */
  get bytes(): number {
    const perNode = this.dimensions * 4 + this.parameters.connectivity * 16 + 32;
    return (this.nextKey - 1) * perNode + this.count * MAPPING_BYTES;
  }

  has(slot: number): boolean {
    return (this.keyBySlot[slot] ?? 0) !== 0;
  }

  /**
   * Inserts the vector of `slot` (replacing the one it had). One thread always: usearch then runs
   * the single task inline, and mixing thread counts would make it refuse insertions into capacity
   * reserved for fewer threads.
   */
  insert(slot: number, vector: Float32Array): void {
    this.delete(slot);
    const key = this.nextKey++;
    this.index.add(BigInt(key), vector, 1);
    this.keyBySlot[slot] = key;
    this.slotByKey.set(key, slot);
  }

  delete(slot: number): void {
    const key = this.keyBySlot[slot] ?? 0;
    if (key === 0) return;
    this.slotByKey.delete(key);
    this.keyBySlot[slot] = 0;
  }

  /** Follows a `VectorSlab.remove`: the removed vector leaves the graph, the moved one keeps its node. */
  applyRemoval(removal: SlotRemoval): void {
    this.delete(removal.slot);
    if (removal.movedFrom === undefined) return;
    const key = this.keyBySlot[removal.movedFrom] ?? 0;
    this.keyBySlot[removal.movedFrom] = 0;
    this.keyBySlot[removal.slot] = key;
    if (key !== 0) this.slotByKey.set(key, removal.slot);
  }

  /** Adds to `into` the slots of the approximate nearest live vectors (about `candidates` of them). */
  collectCandidates(query: Float32Array, into: Set<number>): void {
    const live = this.slotByKey.size;
    if (live === 0) return;
    // Dead nodes take places among the nearest: ask for proportionally more.
    const wanted = Math.ceil(this.parameters.candidates * (1 + this.dead / live));
    const { keys } = this.index.search(query, Math.min(MAX_SEARCH_K, wanted, this.nextKey - 1), 1);
    for (const key of keys) {
      const slot = this.slotByKey.get(Number(key));
      if (slot !== undefined) into.add(slot);
    }
  }
}
