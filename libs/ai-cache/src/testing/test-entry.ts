import { envelopeJson } from '../codec/entry-envelope';
import type { CacheEntry } from '../interfaces/cache-entry.interface';

export interface TestEntryOptions {
  /** Milliseconds from now until the entry stops being fresh (`expiresAt`). Default 60 000. */
  ttlMs?: number;
  /** Milliseconds it may still be answered as stale after that (`staleUntil - expiresAt`). Default 0. */
  staleMs?: number;
  operation?: string;
  textLength?: number;
  computeMs?: number;
}

/**
 * The arguments `CacheStore.set(key, ...testEntry(value))` takes from the cache service: the entry,
 * with its facts, and its envelope JSON. `value` must be JSON-compatible.
 */
export function testEntry(value: unknown, options: TestEntryOptions = {}): [entry: CacheEntry, json: string] {
  const cachedAt = Date.now();
  const { operation, textLength, computeMs } = options;
  const json = envelopeJson({ value, cachedAt, operation, textLength, computeMs });
  const expiresAt = cachedAt + (options.ttlMs ?? 60_000);
  const entry: CacheEntry = {
    value,
    cachedAt,
    expiresAt,
    staleUntil: expiresAt + (options.staleMs ?? 0),
    compressed: false,
    size: Buffer.byteLength(json, 'utf8'),
    operation,
    textLength,
    computeMs,
  };
  return [entry, json];
}
