import type { CacheDriver } from './cache-stats.interface';
import type { RedisClusterNode, TextSizeTiers } from './cache-module-options.interface';
import type { RedisClientOption } from './redis-client.interface';

/** CacheModuleOptions after validation: defaults applied, every TTL in seconds, nothing optional that has a default. */
export interface ResolvedCacheOptions {
  driver: CacheDriver;
  redis: {
    url?: string;
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
  textHashThreshold: number;
  compressionThreshold: number;
  compressionLevel: number;
  maxEntryBytes: number;
  textSizeTiers: TextSizeTiers;
  readableKeys: boolean;
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
