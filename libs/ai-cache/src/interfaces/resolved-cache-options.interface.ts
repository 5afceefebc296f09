import type { KeyObject } from 'node:crypto';
import type { CompressionAlgorithm } from '../codec/compression/compressor';
import type { CacheStoreOption } from '../stores/cache-store.context';
import type { BuiltInCacheDriver } from './cache-stats.interface';
import type { RedisClusterNode, RedisTlsOptions, TextSizeTiers } from './cache-module-options.interface';
import type { RedisClientOption } from './redis-client.interface';
import type { ResolvedFlightOptions } from '../flight.options';

/** CacheModuleOptions after validation: defaults applied, every TTL in seconds, nothing optional that has a default. */
export interface ResolvedCacheOptions {
  driver: BuiltInCacheDriver;
  /** A store of your own; when set, `driver` and `redis` are unused. */
  store?: CacheStoreOption;
  redis: {
    url?: string;
    /** Validated; present only when the user gave TLS options (a bare `rediss://` url uses Node's defaults). */
    tls?: ResolvedRedisTlsOptions;
    cluster?: { nodes: RedisClusterNode[] };
    client?: RedisClientOption;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
  };
  namespace: string;
  defaultTtl: number;
  operationTtls: Record<string, number>;
  maxSize: number;
  maxBytes?: number;
  memoryCacheSize: number;
  memoryCacheMaxBytes: number;
  /** Seconds. */
  memoryCacheMaxAge: number;
  textHashThreshold: number;
  compressionThreshold: number;
  compressionLevel: number;
  compressionAlgorithm: CompressionAlgorithm;
  maxEntryBytes: number;
  textSizeTiers: TextSizeTiers;
  readableKeys: boolean;
  /** Validated; present only when the user configured encryption. */
  encryption?: ResolvedEncryptionOptions;
  singleFlight: ResolvedFlightOptions['singleFlight'];
  /** Seconds; 0: no stale window. */
  staleWhileRevalidate: number;
  refreshAhead?: ResolvedFlightOptions['refreshAhead'];
  monitoring: {
    memoryWarningBytes: number;
    memoryCriticalBytes: number;
    slowOperationMs: number;
    invalidationWarningPerHour: number;
    invalidationCriticalPerHour: number;
    /** Seconds. */
    retention: number;
    maxMeasurements: number;
    maxOperations: number;
  };
}

/** `RedisTlsOptions` after validation: verification explicit. */
export type ResolvedRedisTlsOptions = Omit<RedisTlsOptions, 'rejectUnauthorized'> & { rejectUnauthorized: boolean };

/** `CacheEncryptionOptions` after validation: each key a 32-byte secret KeyObject (its bytes never print or log). */
export interface ResolvedEncryptionOptions {
  keys: ReadonlyMap<string, KeyObject>;
  activeKeyId: string;
}
