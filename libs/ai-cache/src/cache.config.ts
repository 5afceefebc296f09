import { registerAs } from '@nestjs/config';
import { CacheOptionsError } from './cache-options.resolver';
import type { CacheModuleOptions, CacheMonitoringOptions } from './interfaces/cache-module-options.interface';
import { encryptionFromEnv } from './encryption.options';
import { redisTlsFromEnv } from './redis-tls.options';

type Env = Record<string, string | undefined>;

/** Unset and empty variables both mean "use the default", as a blank line in a .env file would. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Numbers are converted only when they look like numbers: anything else is passed through as the
 * original string, so the validator's error shows what the variable actually held.
 */
function numeric(value: string | undefined): number | string | undefined {
  return value !== undefined && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** `summarize=2h,qa=30m` → `{ summarize: '2h', qa: '30m' }` (values validated later as TTLs). */
function operationTtls(value: string | undefined): Record<string, number | string> | undefined {
  if (value === undefined) return undefined;
  const ttls: Record<string, number | string> = {};
  for (const pair of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(pair);
    if (!match) {
      throw new CacheOptionsError('operationTtls', "CACHE_OPERATION_TTLS expects 'operation=ttl' pairs separated by commas", pair);
    }
    ttls[match[1]] = numeric(match[2]) as number | string;
  }
  return ttls;
}

/** Drops undefined entries so that a missing variable never overrides a default. */
function compact<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Builds CacheModuleOptions from environment variables (see README: "Configuration from the environment"). */
export function cacheOptionsFromEnv(env: Env = process.env): CacheModuleOptions {
  const clusterNodes = read(env, 'REDIS_CLUSTER_NODES')?.split(',').map((node) => node.trim()).filter(Boolean);
  const redis = compact({
    url: read(env, 'REDIS_URL'),
    tls: redisTlsFromEnv(env),
    cluster: clusterNodes ? { nodes: clusterNodes } : undefined,
    connectTimeoutMs: numeric(read(env, 'REDIS_CONNECT_TIMEOUT_MS')) as number | undefined,
    commandTimeoutMs: numeric(read(env, 'REDIS_COMMAND_TIMEOUT_MS')) as number | undefined,
  });
  const monitoring = monitoringFromEnv(env);
  const readableKeys = read(env, 'CACHE_READABLE_KEYS');
  return compact({
    driver: read(env, 'CACHE_DRIVER') as CacheModuleOptions['driver'],
    redis: Object.keys(redis).length > 0 ? redis : undefined,
    namespace: read(env, 'CACHE_NAMESPACE'),
    defaultTtl: numeric(read(env, 'CACHE_TTL')),
    operationTtls: operationTtls(read(env, 'CACHE_OPERATION_TTLS')),
    maxSize: numeric(read(env, 'CACHE_MAX_SIZE')) as number | undefined,
    maxBytes: numeric(read(env, 'CACHE_MAX_BYTES')) as number | undefined,
    memoryCacheSize: numeric(read(env, 'CACHE_MEMORY_SIZE')) as number | undefined,
    memoryCacheMaxBytes: numeric(read(env, 'CACHE_MEMORY_MAX_BYTES')) as number | undefined,
    memoryCacheMaxAge: numeric(read(env, 'CACHE_MEMORY_MAX_AGE')),
    compressionThreshold: numeric(read(env, 'CACHE_COMPRESSION_THRESHOLD')) as number | undefined,
    compressionLevel: numeric(read(env, 'CACHE_COMPRESSION_LEVEL')) as number | undefined,
    compressionAlgorithm: read(env, 'CACHE_COMPRESSION_ALGORITHM') as CacheModuleOptions['compressionAlgorithm'],
    textHashThreshold: numeric(read(env, 'CACHE_TEXT_HASH_THRESHOLD')) as number | undefined,
    maxEntryBytes: numeric(read(env, 'CACHE_MAX_ENTRY_BYTES')) as number | undefined,
    readableKeys: readableKeys === undefined ? undefined : ((readableKeys === 'true' || readableKeys === '1' ? true : readableKeys) as boolean),
    encryption: encryptionFromEnv(env),
    ...flightFromEnv(env),
    monitoring: Object.keys(monitoring).length > 0 ? monitoring : undefined,
  }) as CacheModuleOptions;
}

/**
 * `singleFlight.*`, `staleWhileRevalidate` (seconds or a duration), `refreshAhead` (`true`, `false`, or
 * XFetch's beta as a number); values that are not what they should be are passed on for the resolver
 * to name.
 */
function flightFromEnv(env: Env): Pick<CacheModuleOptions, 'singleFlight' | 'staleWhileRevalidate' | 'refreshAhead'> {
  const fleet = read(env, 'CACHE_SINGLE_FLIGHT_FLEET');
  const singleFlight = compact({
    fleet: fleet === undefined ? undefined : ((fleet === 'true' ? true : fleet === 'false' ? false : fleet) as boolean),
    leaseMs: numeric(read(env, 'CACHE_SINGLE_FLIGHT_LEASE_MS')) as number | undefined,
    maxWaitMs: numeric(read(env, 'CACHE_SINGLE_FLIGHT_MAX_WAIT_MS')) as number | undefined,
  });
  const refreshAhead = read(env, 'CACHE_REFRESH_AHEAD');
  const beta = numeric(refreshAhead);
  return compact({
    singleFlight: Object.keys(singleFlight).length > 0 ? singleFlight : undefined,
    staleWhileRevalidate: numeric(read(env, 'CACHE_STALE_WHILE_REVALIDATE')),
    refreshAhead:
      refreshAhead === undefined ? undefined
      : refreshAhead === 'true' ? true
      : refreshAhead === 'false' ? false
      : typeof beta === 'number' ? { beta }
      : (refreshAhead as unknown as boolean),
  });
}

/** `monitoring.*` thresholds; the resolver validates them like any other option (and names them). */
function monitoringFromEnv(env: Env): CacheMonitoringOptions {
  const value = (name: string) => numeric(read(env, name)) as number | undefined;
  return compact({
    memoryWarningBytes: value('CACHE_MEMORY_WARNING_BYTES'),
    memoryCriticalBytes: value('CACHE_MEMORY_CRITICAL_BYTES'),
    slowOperationMs: value('CACHE_SLOW_OPERATION_MS'),
    invalidationWarningPerHour: value('CACHE_INVALIDATION_WARNING_PER_HOUR'),
    invalidationCriticalPerHour: value('CACHE_INVALIDATION_CRITICAL_PER_HOUR'),
    // Seconds or a duration ('2h'), as every TTL.
    retention: numeric(read(env, 'CACHE_MONITORING_RETENTION')),
    maxMeasurements: value('CACHE_MONITORING_MAX_MEASUREMENTS'),
    maxOperations: value('CACHE_MONITORING_MAX_OPERATIONS'),
  });
}

/**
 * The `cache` config namespace. `CacheModule.forRootAsync(cacheConfig.asProvider())` reads the
 * environment through @nestjs/config (so .env files and ConfigModule validation apply).
 */
export const cacheConfig = registerAs('cache', (): CacheModuleOptions => cacheOptionsFromEnv(process.env));
