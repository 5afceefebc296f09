/**
 * Embeddings already paid for, by text: a bounded LRU (in bytes) keyed by a SHA-256 of the model
 * and the text, so no text is kept as a key, and two models never share an entry.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Per-entry bookkeeping estimate in bytes (key string, LRU node), added to the vector's bytes. */
const ENTRY_OVERHEAD_BYTES = 128;

export class EmbeddingCache {
  private readonly entries: LRUCache<string, Float32Array> | undefined;
  private readonly prefix: string;

  /** `maxBytes` 0 keeps nothing (every call is a request). */
  constructor(model: string, maxBytes: number) {
    // Length-prefixed, so that no (model, text) pair hashes the bytes of another.
    this.prefix = `${model.length}:${model}\n`;
    this.entries = maxBytes > 0 ? new LRUCache<string, Float32Array>({ maxSize: maxBytes, sizeCalculation: (vector) => vector.byteLength + ENTRY_OVERHEAD_BYTES }) : undefined;
  }

  /** The key of `text` (also used to share in-flight requests). */
  keyOf(text: string): string {
    return createHash('sha256').update(this.prefix).update(text).digest('base64url');
  }

  /** A copy of the cached embedding, so that callers may keep or change what they get. */
  get(key: string): Float32Array | undefined {
    return this.entries?.get(key)?.slice();
  }

  set(key: string, vector: Float32Array): void {
    this.entries?.set(key, vector.slice());
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  get bytes(): number {
    return this.entries?.calculatedSize ?? 0;
  }
}
