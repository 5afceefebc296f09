import { RedisEntryCodec, type RedisEntryCodecOptions } from '../../libs/ai-cache/src/codec/redis-entry.codec';
import type { CacheEntry } from '../../libs/ai-cache/src/interfaces/cache-entry.interface';
import type { StoreLogger } from '../../libs/ai-cache/src/stores/circuit-breaker';
import { MemoryStore } from '../../libs/ai-cache/src/stores/memory.store';
import { RedisStore, type RedisStoreOptions } from '../../libs/ai-cache/src/stores/redis.store';
import { TieredStore } from '../../libs/ai-cache/src/stores/tiered.store';
import { testEntry } from '../../libs/ai-cache/src/testing/test-entry';

/** `set()`'s arguments for `value` living `ttlMs` from now (wall clock): the entry as the service makes it, and its envelope JSON. */
export function entryFor(value: unknown, ttlMs: number, facts: { operation?: string; staleMs?: number } = {}): [CacheEntry, string] {
  return testEntry(value, { ttlMs, staleMs: facts.staleMs, operation: facts.operation });
}

export function codecFor(options: Partial<RedisEntryCodecOptions> = {}): RedisEntryCodec {
  return new RedisEntryCodec({ compressionThreshold: 1000, compressionLevel: 6, compressionAlgorithm: 'deflate', maxEntryBytes: 1024 * 1024, ...options });
}

export interface TieredFixtureOptions {
  namespace: string;
  url?: string;
  cluster?: RedisStoreOptions['cluster'];
  client?: RedisStoreOptions['client'];
  /** L1 entries (0: no L1). Default 10. */
  memoryCacheSize?: number;
  /** Outage tier entries. Default 100. */
  outageSize?: number;
  maxAgeMs?: number;
  maxEntryBytes?: number;
  codec?: Partial<RedisEntryCodecOptions>;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  ping?: { pingIntervalMs?: number; pingTimeoutMs?: number };
  logger?: StoreLogger;
  observer?: RedisStoreOptions['observer'];
}

/** A TieredStore wired as the module wires the redis driver, with test-friendly timeouts. */
export function tieredStoreFor(options: TieredFixtureOptions): { store: TieredStore; redis: RedisStore; l1?: MemoryStore } {
  const maxEntryBytes = options.maxEntryBytes ?? 1024 * 1024;
  const redis = new RedisStore({
    namespace: options.namespace,
    codec: codecFor({ maxEntryBytes, ...options.codec }),
    url: options.client || options.cluster ? undefined : options.url,
    cluster: options.cluster,
    client: options.client,
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
    commandTimeoutMs: options.commandTimeoutMs ?? 200,
    breaker: { baseCooldownMs: 200, maxCooldownMs: 400 },
    logger: options.logger,
    observer: options.observer,
  });
  const size = options.memoryCacheSize ?? 10;
  const l1 = size > 0 ? new MemoryStore({ maxEntries: size, maxEntryBytes, maxAgeMs: options.maxAgeMs ?? 60_000 }) : undefined;
  const outageSize = options.outageSize ?? 100;
  const outage = outageSize > 0 ? new MemoryStore({ maxEntries: outageSize, maxEntryBytes }) : undefined;
  const store = new TieredStore({
    redis,
    l1,
    outage,
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
    coherence: options.ping,
    logger: options.logger,
  });
  return { store, redis, l1 };
}
