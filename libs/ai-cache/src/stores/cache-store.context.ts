import { createRedisEntryCodec } from '../codec/redis-entry-codec.factory';
import type { RedisEntryCodec } from '../codec/redis-entry.codec';
import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import type { CacheStore, StoreObserver } from './cache-store.interface';

/**
 * What CacheModule hands a store factory (the `store` option as a function): everything a store of
 * your own needs to behave as the built-in ones do.
 */
export interface CacheStoreContext {
  /** Every key the store is given is relative to `${namespace}:`; it must never touch anything outside. */
  readonly namespace: string;
  /** Largest entry the module writes (bytes of its uncompressed envelope JSON); anything larger read back is corrupted. */
  readonly maxEntryBytes: number;
  /**
   * The codec configured from the module's options (compression, and encryption at rest when
   * configured): for a store that keeps bytes, `encode(fullKey, entry, json)` on write and
   * `decode(fullKey, bytes)` (undefined for anything that is not an intact entry) on read, with
   * `fullKey` = `${namespace}:${key}`. Made on first use.
   */
  readonly codec: RedisEntryCodec;
  /** Where the store reports corrupted entries, failed decryptions, compressions and evictions (the monitor). */
  readonly observer: StoreObserver;
}

export type CacheStoreFactory = (context: CacheStoreContext) => CacheStore | Promise<CacheStore>;

/** The `store` option: a store, or a function of the context that makes one. */
export type CacheStoreOption = CacheStore | CacheStoreFactory;

/** The context of the module's options; the codec is made on first use (a store that keeps no bytes never loads a compressor). */
export function createStoreContext(options: ResolvedCacheOptions, observer: StoreObserver): CacheStoreContext {
  let codec: RedisEntryCodec | undefined;
  return {
    namespace: options.namespace,
    maxEntryBytes: options.maxEntryBytes,
    observer,
    get codec() {
      return (codec ??= createRedisEntryCodec(options, observer));
    },
  };
}
