/**
 * The vectors of one index in one contiguous `Float32Array` (slot i at `i × dimensions`), with the
 * id of each slot. No object per vector: a scan walks one typed array, and removal moves the last
 * vector into the freed slot (swap-remove), so the vectors always fill slots `0 … size − 1`.
 */
import { VectorError, dotProduct, unitSimilarityAt } from './vector';

const MIN_CAPACITY = 16;
/** Dot products at or above this may be rounding-level close to 1: checked for identity. */
const NEAR_ONE = 1 - 1e-4;
/** Per-id bookkeeping estimate in bytes (Map entry, array slot, string header), for `bytes`. */
const ID_OVERHEAD_BYTES = 64;

export interface SlotMatch {
  slot: number;
  similarity: number;
}

/** What `remove` did: the freed slot, and the vector that moved into it (from the last slot), if any. */
export interface SlotRemoval {
  slot: number;
  movedFrom?: number;
}

export class VectorSlab {
  private data: Float32Array;
  private readonly ids: string[] = [];
  private readonly slots = new Map<string, number>();
  private idChars = 0;

  constructor(readonly dimensions: number) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new VectorError(`dimensions must be a positive integer (received ${dimensions})`);
    this.data = new Float32Array(MIN_CAPACITY * dimensions);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Bytes held: the vector storage (capacity included) plus an estimate for the ids. */
  get bytes(): number {
    return this.data.byteLength + this.ids.length * ID_OVERHEAD_BYTES + this.idChars;
  }

  /** The whole storage; slots `0 … size − 1` are live. Valid until the next add or remove. */
  get storage(): Float32Array {
    return this.data;
  }

  slotOf(id: string): number | undefined {
    return this.slots.get(id);
  }

  idAt(slot: number): string {
    return this.ids[slot];
  }

  /** A view of the vector in `slot` (valid until the next add or remove). */
  vectorAt(slot: number): Float32Array {
    return this.data.subarray(slot * this.dimensions, (slot + 1) * this.dimensions);
  }

  /** Copies `vector` into `id`'s slot (a new one, or the one `id` had); returns the slot. */
  add(id: string, vector: Float32Array): { slot: number; replaced: boolean } {
    this.assertDimensions(vector);
    const existing = this.slots.get(id);
    if (existing !== undefined) {
      this.data.set(vector, existing * this.dimensions);
      return { slot: existing, replaced: true };
    }
    const slot = this.ids.length;
    if ((slot + 1) * this.dimensions > this.data.length) this.resize(this.data.length / this.dimensions * 2);
    this.data.set(vector, slot * this.dimensions);
    this.ids.push(id);
    this.slots.set(id, slot);
    this.idChars += id.length;
    return { slot, replaced: false };
  }

  remove(id: string): SlotRemoval | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    this.slots.delete(id);
    this.idChars -= id.length;
    const last = this.ids.length - 1;
    let movedFrom: number | undefined;
    if (slot !== last) {
      const movedId = this.ids[last];
      this.data.copyWithin(slot * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.ids[slot] = movedId;
      this.slots.set(movedId, slot);
      movedFrom = last;
    }
    this.ids.pop();
    // Give memory back after a mass removal: the storage stays within 4× what is live.
    const capacity = this.data.length / this.dimensions;
    if (capacity > MIN_CAPACITY && this.ids.length < capacity / 4) this.resize(Math.max(MIN_CAPACITY, capacity / 2));
    return { slot, movedFrom };
  }

  clear(): void {
    this.ids.length = 0;
    this.slots.clear();
    this.idChars = 0;
    this.data = new Float32Array(MIN_CAPACITY * this.dimensions);
  }

  /** Exact similarity of `slot`'s vector and `query`. */
  similarityAt(slot: number, query: Float32Array): number {
    return unitSimilarityAt(this.data, slot * this.dimensions, query);
  }

  /**
   * Exact scan: the most similar vector and its similarity, or undefined when empty. Ties near 1
   * are decided by exact identity, so an identical vector always beats a merely close one.
   */
  nearest(query: Float32Array): SlotMatch | undefined {
    this.assertDimensions(query);
    const data = this.data;
    const dimensions = this.dimensions;
    const size = this.ids.length;
    let bestSlot = -1;
    let best = -Infinity;
    let nearOne: number[] | undefined;
    for (let slot = 0, offset = 0; slot < size; slot++, offset += dimensions) {
      const dot = dotProduct(data, offset, query, dimensions);
      if (dot > best) {
        best = dot;
        bestSlot = slot;
      }
      if (dot >= NEAR_ONE) (nearOne ??= []).push(slot);
    }
    if (bestSlot < 0) return undefined;
    // Kept out of the hot loop (the loop is slower with the check inside): the best vector is
    // one of these, and only an exact comparison tells an identical vector from a rounding tie.
    if (nearOne) return this.mostSimilarOf(nearOne, query);
    return { slot: bestSlot, similarity: best < -1 ? -1 : best };
  }

  /** The most similar of `slots` by exact similarity (non-empty). */
  mostSimilarOf(slots: ArrayLike<number>, query: Float32Array): SlotMatch {
    let bestSlot = slots[0];
    let best = this.similarityAt(bestSlot, query);
    for (let k = 1; k < slots.length; k++) {
      const similarity = this.similarityAt(slots[k], query);
      if (similarity > best) {
        best = similarity;
        bestSlot = slots[k];
      }
    }
    return { slot: bestSlot, similarity: best };
  }

  assertDimensions(vector: Float32Array): void {
    if (!(vector instanceof Float32Array) || vector.length !== this.dimensions) {
      const received = vector instanceof Float32Array ? `${vector.length} dimensions` : 'not a Float32Array';
      throw new VectorError(`vector must be a Float32Array of ${this.dimensions} dimensions (received ${received})`);
    }
  }

  private resize(capacity: number): void {
    const next = new Float32Array(capacity * this.dimensions);
    next.set(this.data.subarray(0, Math.min(this.data.length, next.length, this.ids.length * this.dimensions)));
    this.data = next;
  }
}
