import type { ResolvedCacheOptions } from '../interfaces/resolved-cache-options.interface';
import type { StoreObserver } from '../stores/cache-store.interface';
import { AesGcmSealer } from './aes-gcm.sealer';
import { RedisEntryCodec } from './redis-entry.codec';

/**
 * The codec of the bytes a store keeps, from the module's options: the redis driver's, and the one
 * a store of your own is handed in its CacheStoreContext. Failed openings are reported to `observer`.
 */
export function createRedisEntryCodec(options: ResolvedCacheOptions, observer: StoreObserver): RedisEntryCodec {
  return new RedisEntryCodec({
    compressionThreshold: options.compressionThreshold,
    compressionLevel: options.compressionLevel,
    compressionAlgorithm: options.compressionAlgorithm,
    maxEntryBytes: options.maxEntryBytes,
    // Encryption at rest: every value this codec writes is sealed, and only sealed values are read.
    sealer: options.encryption && new AesGcmSealer(options.encryption),
    onOpenFailure: () => observer.decryptFailure?.(),
  });
}
