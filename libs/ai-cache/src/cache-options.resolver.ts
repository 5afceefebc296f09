import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_COMPRESSION_ALGORITHM,
  DEFAULT_COMPRESSION_LEVEL,
  DEFAULT_COMPRESSION_THRESHOLD,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_ENTRY_BYTES,
  DEFAULT_MAX_SIZE,
  DEFAULT_MEMORY_CACHE_MAX_AGE_SECONDS,
  DEFAULT_MEMORY_CACHE_MAX_BYTES,
  DEFAULT_MEMORY_CACHE_SIZE,
  DEFAULT_NAMESPACE,
  DEFAULT_OPERATION_TTLS,
  DEFAULT_TEXT_HASH_THRESHOLD,
  DEFAULT_TEXT_SIZE_TIERS,
  DEFAULT_TTL_SECONDS,
} from './cache.constants';
import { CacheOptionsError } from './cache-options.error';
import type { CacheModuleOptions, RedisClusterNode } from './interfaces/cache-module-options.interface';
import type { ResolvedCacheOptions } from './interfaces/resolved-cache-options.interface';
import { COMPRESSION_ALGORITHMS, compressorFor } from './codec/compression/compressor.registry';
import type { CompressionAlgorithm } from './codec/compression/compressor';
import { resolveEncryption } from './encryption.options';
import { resolveFlightOptions } from './flight.options';
import { resolveRedisTls } from './redis-tls.options';
import { resolveStoreOption } from './stores/custom-store.option';
import { parseDurationSeconds } from './utils/duration';

export { CacheOptionsError } from './cache-options.error';

const MiB = 1024 * 1024;
/** Distinct operation names the monitor labels on its own; the rest share the label `other`. */
export const DEFAULT_MONITORED_OPERATIONS = 100;

/**
 * Namespaces are key prefixes and SCAN patterns: `:` would let `a` see `a:b`'s keys, and glob
 * characters would widen every SCAN. So only a conservative alphabet is allowed.
 */
const NAMESPACE = /^[A-Za-z0-9_.-]{1,64}$/;
const OPERATION = /^[A-Za-z0-9_.-]{1,64}$/;

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'driver', 'redis', 'namespace', 'defaultTtl', 'operationTtls', 'maxSize', 'maxBytes', 'memoryCacheSize',
  'memoryCacheMaxBytes', 'memoryCacheMaxAge', 'textHashThreshold', 'compressionThreshold', 'compressionLevel',
  'compressionAlgorithm', 'maxEntryBytes', 'textSizeTiers',
  'readableKeys', 'encryption', 'monitoring', 'store', 'singleFlight', 'staleWhileRevalidate', 'refreshAhead',
]);
const KNOWN_REDIS_OPTIONS: ReadonlySet<string> = new Set(['url', 'tls', 'cluster', 'client', 'connectTimeoutMs', 'commandTimeoutMs']);
const KNOWN_MONITORING_OPTIONS: ReadonlySet<string> = new Set([
  'memoryWarningBytes', 'memoryCriticalBytes', 'slowOperationMs', 'invalidationWarningPerHour',
  'invalidationCriticalPerHour', 'retention', 'maxMeasurements', 'maxOperations',
]);

function rejectUnknown(value: object, known: ReadonlySet<string>, prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw new CacheOptionsError(`${prefix}${key}`, `unknown option; expected one of ${[...known].join(', ')}`, (value as Record<string, unknown>)[key]);
    }
  }
}

function plainObject(value: unknown, option: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CacheOptionsError(option, 'expected an object', value);
  }
  return value as Record<string, unknown>;
}

/** A TTL in seconds: a positive number or a duration string. */
export function resolveTtl(value: unknown, option: string): number {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined || seconds <= 0) {
    throw new CacheOptionsError(option, "expected a positive number of seconds or a duration such as '90s', '30m', '2h', '1d'", value);
  }
  return seconds;
}

function integer(value: unknown, option: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new CacheOptionsError(option, `expected an integer ${range}`, value);
  }
  return value;
}

function parseClusterNode(node: unknown, option: string): RedisClusterNode {
  if (typeof node === 'string') {
    const match = /^(.+):(\d{1,5})$/.exec(node.trim());
    if (match && Number(match[2]) > 0 && Number(match[2]) < 65536) return { host: match[1], port: Number(match[2]) };
  } else if (node && typeof node === 'object') {
    const { host, port } = node as Record<string, unknown>;
    if (typeof host === 'string' && host && typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536) {
      return { host, port };
    }
  }
  throw new CacheOptionsError(option, "expected 'host:port' or { host, port }", node);
}

function resolveRedis(raw: Record<string, unknown> | undefined): ResolvedCacheOptions['redis'] {
  const redis = raw ?? {};
  rejectUnknown(redis, KNOWN_REDIS_OPTIONS, 'redis.');
  const { url, cluster, client } = redis;
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\/./.test(url))) {
    throw new CacheOptionsError('redis.url', 'expected a redis:// or rediss:// URL', url);
  }
  let nodes: RedisClusterNode[] | undefined;
  if (cluster !== undefined) {
    const rawNodes = plainObject(cluster, 'redis.cluster')?.nodes;
    if (!Array.isArray(rawNodes) || rawNodes.length === 0) {
      throw new CacheOptionsError('redis.cluster.nodes', 'expected a non-empty array of nodes', rawNodes);
    }
    nodes = rawNodes.map((node, i) => parseClusterNode(node, `redis.cluster.nodes[${i}]`));
  }
  if (client !== undefined && (client === null || typeof client !== 'object' || typeof (client as { get?: unknown }).get !== 'function')) {
    throw new CacheOptionsError('redis.client', 'expected an ioredis Redis or Cluster instance', client);
  }
  return {
    url: url as string | undefined,
    tls: resolveRedisTls(redis.tls, { url, client }),
    cluster: nodes && { nodes },
    client: client as ResolvedCacheOptions['redis']['client'],
    connectTimeoutMs: integer(redis.connectTimeoutMs, 'redis.connectTimeoutMs', DEFAULT_CONNECT_TIMEOUT_MS, 1),
    commandTimeoutMs: integer(redis.commandTimeoutMs, 'redis.commandTimeoutMs', DEFAULT_COMMAND_TIMEOUT_MS, 1),
  };
}

function resolveDriver(driver: unknown, redis: ResolvedCacheOptions['redis']): ResolvedCacheOptions['driver'] {
  if (driver === undefined) return redis.url || redis.cluster || redis.client ? 'redis' : 'memory';
  if (driver !== 'memory' && driver !== 'redis') {
    throw new CacheOptionsError('driver', "expected 'memory' or 'redis'", driver);
  }
  return driver;
}

function resolveOperationTtls(raw: Record<string, unknown> | undefined): Record<string, number> {
  const ttls: Record<string, number> = { ...DEFAULT_OPERATION_TTLS };
  for (const [operation, ttl] of Object.entries(raw ?? {})) {
    if (!OPERATION.test(operation)) {
      throw new CacheOptionsError(`operationTtls.${operation}`, 'operation names use only letters, digits, _ . - (at most 64)', operation);
    }
    ttls[operation] = resolveTtl(ttl, `operationTtls.${operation}`);
  }
  return ttls;
}

function resolveTextSizeTiers(raw: Record<string, unknown> | undefined): ResolvedCacheOptions['textSizeTiers'] {
  const tiers = { ...DEFAULT_TEXT_SIZE_TIERS, ...raw };
  rejectUnknown(tiers, new Set(['small', 'medium', 'large']), 'textSizeTiers.');
  const small = integer(tiers.small, 'textSizeTiers.small', DEFAULT_TEXT_SIZE_TIERS.small, 1);
  const medium = integer(tiers.medium, 'textSizeTiers.medium', DEFAULT_TEXT_SIZE_TIERS.medium, small + 1);
  const large = integer(tiers.large, 'textSizeTiers.large', DEFAULT_TEXT_SIZE_TIERS.large, medium + 1);
  return { small, medium, large };
}

function resolveMonitoring(raw: Record<string, unknown> | undefined): ResolvedCacheOptions['monitoring'] {
  const m = raw ?? {};
  rejectUnknown(m, KNOWN_MONITORING_OPTIONS, 'monitoring.');
  const memoryWarningBytes = integer(m.memoryWarningBytes, 'monitoring.memoryWarningBytes', 50 * MiB, 1);
  const invalidationWarningPerHour = integer(m.invalidationWarningPerHour, 'monitoring.invalidationWarningPerHour', 50, 1);
  return {
    memoryWarningBytes,
    memoryCriticalBytes: integer(m.memoryCriticalBytes, 'monitoring.memoryCriticalBytes', Math.max(100 * MiB, memoryWarningBytes), memoryWarningBytes),
    slowOperationMs: integer(m.slowOperationMs, 'monitoring.slowOperationMs', 50, 1),
    invalidationWarningPerHour,
    invalidationCriticalPerHour: integer(
      m.invalidationCriticalPerHour, 'monitoring.invalidationCriticalPerHour', Math.max(100, invalidationWarningPerHour), invalidationWarningPerHour,
    ),
    retention: m.retention === undefined ? 3600 : resolveTtl(m.retention, 'monitoring.retention'),
    maxMeasurements: integer(m.maxMeasurements, 'monitoring.maxMeasurements', 1000, 1, 1_000_000),
    maxOperations: integer(m.maxOperations, 'monitoring.maxOperations', DEFAULT_MONITORED_OPERATIONS, 1, 100_000),
  };
}

/** A known codec that can run in this process (its optional peer installed, the runtime new enough). */
function resolveCompressionAlgorithm(value: unknown): CompressionAlgorithm {
  if (value === undefined) return DEFAULT_COMPRESSION_ALGORITHM;
  if (typeof value !== 'string' || !(COMPRESSION_ALGORITHMS as readonly string[]).includes(value)) {
    throw new CacheOptionsError('compressionAlgorithm', `expected one of ${COMPRESSION_ALGORITHMS.map((name) => `'${name}'`).join(', ')}`, value);
  }
  const algorithm = value as CompressionAlgorithm;
  try {
    compressorFor(algorithm);
  } catch (error) {
    throw new CacheOptionsError('compressionAlgorithm', (error as Error).message, value);
  }
  return algorithm;
}

/**
 * Validates user options and applies the seed's defaults. Runs in the module's options provider,
 * so a bad value fails bootstrap with an error that names the option.
 */
export function resolveCacheOptions(options: CacheModuleOptions | undefined | null = {}): ResolvedCacheOptions {
  const raw = plainObject(options ?? {}, 'options') as Record<string, unknown>;
  rejectUnknown(raw, KNOWN_OPTIONS, '');
  const redis = resolveRedis(plainObject(raw.redis, 'redis'));
  const namespace = raw.namespace ?? DEFAULT_NAMESPACE;
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw new CacheOptionsError('namespace', 'expected 1-64 characters from letters, digits, _ . - (no glob characters or ":")', namespace);
  }
  if (raw.readableKeys !== undefined && typeof raw.readableKeys !== 'boolean') {
    throw new CacheOptionsError('readableKeys', 'expected a boolean', raw.readableKeys);
  }
  const maxBytes = raw.maxBytes === undefined ? undefined : integer(raw.maxBytes, 'maxBytes', 0, 1);
  const driver = resolveDriver(raw.driver, redis);
  // Never a default address: `CACHE_DRIVER=redis` with REDIS_URL forgotten would otherwise use
  // whatever listens on localhost:6379, which in production is rarely the Redis meant.
  if (driver === 'redis' && !redis.url && !redis.cluster && !redis.client) {
    throw new CacheOptionsError(
      'redis.url',
      "the redis driver needs a Redis to use: set redis.url (env REDIS_URL), redis.cluster.nodes (env REDIS_CLUSTER_NODES) or redis.client",
      redis.url,
    );
  }
  return {
    driver,
    store: resolveStoreOption(raw),
    redis,
    namespace,
    defaultTtl: raw.defaultTtl === undefined ? DEFAULT_TTL_SECONDS : resolveTtl(raw.defaultTtl, 'defaultTtl'),
    operationTtls: resolveOperationTtls(plainObject(raw.operationTtls, 'operationTtls')),
    maxSize: integer(raw.maxSize, 'maxSize', DEFAULT_MAX_SIZE, 1),
    maxBytes,
    memoryCacheSize: integer(raw.memoryCacheSize, 'memoryCacheSize', DEFAULT_MEMORY_CACHE_SIZE, 0),
    memoryCacheMaxBytes: integer(raw.memoryCacheMaxBytes, 'memoryCacheMaxBytes', DEFAULT_MEMORY_CACHE_MAX_BYTES, 1),
    memoryCacheMaxAge: raw.memoryCacheMaxAge === undefined ? DEFAULT_MEMORY_CACHE_MAX_AGE_SECONDS : resolveTtl(raw.memoryCacheMaxAge, 'memoryCacheMaxAge'),
    textHashThreshold: integer(raw.textHashThreshold, 'textHashThreshold', DEFAULT_TEXT_HASH_THRESHOLD, 0),
    compressionThreshold: integer(raw.compressionThreshold, 'compressionThreshold', DEFAULT_COMPRESSION_THRESHOLD, 0),
    compressionLevel: integer(raw.compressionLevel, 'compressionLevel', DEFAULT_COMPRESSION_LEVEL, 1, 9),
    compressionAlgorithm: resolveCompressionAlgorithm(raw.compressionAlgorithm),
    maxEntryBytes: integer(raw.maxEntryBytes, 'maxEntryBytes', DEFAULT_MAX_ENTRY_BYTES, 1),
    textSizeTiers: resolveTextSizeTiers(plainObject(raw.textSizeTiers, 'textSizeTiers')),
    readableKeys: raw.readableKeys === true,
    encryption: resolveEncryption(raw.encryption),
    ...resolveFlightOptions(raw, driver),
    monitoring: resolveMonitoring(plainObject(raw.monitoring, 'monitoring')),
  };
}
