/**
 * Memory held per cached entry with 100 000 entries in memory: this library's memory driver
 * (decoded entries, with TTL and byte accounting) vs lru-cache with a ttl holding (a) the same
 * responses as objects, which is what a user of lru-cache would keep, and (b) the bytes our Redis
 * codec produces (deflated above 1000 bytes), for reference: memory tiers keep entries decoded, so
 * that a hit costs a copy instead of an inflate and a parse.
 * Measured as the growth of V8 heap + external memory after a full GC; keys are the same strings.
 */
import { LRUCache } from 'lru-cache';
import { envelopeJson } from '../../libs/ai-cache/src/codec/entry-envelope';
import { RedisEntryCodec } from '../../libs/ai-cache/src/codec/redis-entry.codec';
import { CacheKeyBuilder } from '../../libs/ai-cache/src/keys/cache-key.builder';
import type { BenchContext } from '../support/bench-context';
import { createOurCache } from '../support/contexts';
import { aiRequest, aiResponse } from '../support/fixtures';
import { retainedBytes } from '../support/gc';
import type { RepMeasurement } from '../support/measure';
import { runScenario, type ScenarioResult } from '../support/scenario';

const TTL_MS = 3600_000;
const DEFAULTS = { compressionThreshold: 1000, compressionLevel: 6, compressionAlgorithm: 'deflate' as const, maxEntryBytes: 1024 * 1024 };

export async function bytesPerEntryScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const entries = ctx.sizes.bytesEntries;
  const keys = new CacheKeyBuilder({ textHashThreshold: 1000, textSizeTiers: { small: 500, medium: 5000, large: 50000 }, readableKeys: false });
  const codec = new RedisEntryCodec(DEFAULTS);

  /** Heap + external growth per entry while `fill` builds a store of `entries` entries (released after). */
  const perEntry = async (fill: () => Promise<() => Promise<void> | void>): Promise<RepMeasurement> => {
    const before = retainedBytes();
    const release = await fill();
    const after = retainedBytes();
    await release();
    return { value: (after - before) / entries };
  };

  ctx.log(`memory: bytes per entry at ${entries} entries`);
  const result = await runScenario(
    {
      id: 'memory.bytesPerEntry',
      group: 'memory driver',
      title: `bytes per entry at ${entries.toLocaleString('en-US')} entries (2 KB responses)`,
      unit: 'B/entry',
      higherIsBetter: false,
      contenders: [
        {
          name: 'nestjs-ai-cache memory driver',
          kind: 'ours',
          rep: () =>
            perEntry(async () => {
              const ours = await createOurCache({ driver: 'memory', maxSize: entries });
              for (let i = 0; i < entries; i++) await ours.cache.cacheResponse(aiRequest(i), aiResponse(i));
              const stats = await ours.cache.getCacheStats();
              if (stats.memory.entries !== entries) throw new Error(`bytes scenario: ${stats.memory.entries} entries kept, expected ${entries}`);
              // Emptied before closing: nothing of this contender may still be live when the next one measures.
              return async () => {
                await ours.cache.clear();
                await ours.app.close();
              };
            }),
        },
        {
          name: 'lru-cache (ttl) holding the objects',
          kind: 'peer',
          rep: () =>
            perEntry(async () => {
              const lru = new LRUCache<string, object>({ max: entries, ttl: TTL_MS });
              // A fresh object per entry, as parsed off a model's HTTP response.
              for (let i = 0; i < entries; i++) lru.set(keys.build(aiRequest(i)).key, JSON.parse(JSON.stringify(aiResponse(i))) as object);
              return () => lru.clear();
            }),
        },
        {
          name: 'lru-cache (ttl) holding our encoded bytes',
          kind: 'baseline',
          rep: () =>
            perEntry(async () => {
              const lru = new LRUCache<string, Buffer>({ max: entries, ttl: TTL_MS });
              for (let i = 0; i < entries; i++) {
                const request = aiRequest(i);
                const key = keys.build(request).key;
                const payload = { value: aiResponse(i), cachedAt: Date.now(), operation: request.operation, textLength: request.text.length };
                const json = envelopeJson(payload);
                const expiresAt = Date.now() + TTL_MS;
                const entry = { ...payload, expiresAt, staleUntil: expiresAt, compressed: false, size: Buffer.byteLength(json) };
                lru.set(key, codec.encode(`bench:${key}`, entry, json).bytes);
              }
              return () => lru.clear();
            }),
        },
      ],
    },
    ctx.reps,
  );
  return [result];
}
