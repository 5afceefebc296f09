import type { CompressionAlgorithm } from '../codec/compression/compressor';
import type { CacheStoreOption } from '../stores/cache-store.context';
import type { BuiltInCacheDriver } from './cache-stats.interface';
import type { RedisClientOption } from './redis-client.interface';
import type { RefreshAheadInput, SingleFlightOptions } from '../flight.options';

/** A TTL: seconds (may be fractional), or a duration string such as `'90s'`, `'30m'`, `'2h'`, `'1d'`. */
export type TtlInput = number | string;

export interface RedisClusterNode {
  host: string;
  port: number;
}

/** PEM text: a string, or the Buffer `readFileSync` returns. */
export type PemInput = string | Buffer;

/**
 * TLS for the connections the library opens (a `rediss://` url, or every node of a cluster). The
 * server's certificate is always verified unless `rejectUnauthorized: false` is given.
 */
export interface RedisTlsOptions {
  /** CA certificate(s), PEM, the server's certificate must chain to. Default: Node's bundled public CAs. */
  ca?: PemInput | PemInput[];
  /** Client certificate, PEM (leaf first, then any intermediates), for mutual TLS. Needs `key`. */
  cert?: PemInput;
  /** The unencrypted PEM private key of `cert`. */
  key?: PemInput;
  /** Name the server's certificate is checked against, and sent as SNI. Default: the host connected to. */
  servername?: string;
  /** `false` accepts any server certificate (man-in-the-middle possible; a warning is logged at bootstrap). Default true. */
  rejectUnauthorized?: boolean;
}

export interface RedisConnectionOptions {
  /** `redis://[user:pass@]host:port/db` or `rediss://…` for TLS. */
  url?: string;
  /** TLS settings (CA, client certificate, servername) for a `rediss://` url or a cluster. */
  tls?: RedisTlsOptions;
  /** Redis Cluster seed nodes: `{ host, port }` objects or `'host:port'` strings. */
  cluster?: { nodes: Array<RedisClusterNode | string> };
  /** Bring your own ioredis client (`new Redis(…)` or `new Cluster(…)`). The library never closes it. */
  client?: RedisClientOption;
  /** Milliseconds to wait for the first connection at bootstrap before starting degraded. Default 2000. */
  connectTimeoutMs?: number;
  /** Milliseconds after which one Redis command is abandoned (the call then behaves as a miss). Default 250. */
  commandTimeoutMs?: number;
}

/**
 * Encryption at rest (redis driver): every value written to Redis is AES-256-GCM encrypted with the
 * active key and bound to its Redis key. Memory tiers (L1, the memory driver) hold plaintext.
 */
export interface CacheEncryptionOptions {
  /**
   * Key id → 32-byte AES-256 key, as a Buffer or base64 text (`openssl rand -base64 32`). Ids are
   * 1–32 of `[A-Za-z0-9_.-]` and are stored with each value. Every key listed decrypts; keep the
   * old ones while values written under them may still be in Redis.
   */
  keys: Record<string, string | Buffer>;
  /** The id (one of `keys`) of the key new values are encrypted with. */
  activeKeyId: string;
}

export interface CacheMonitoringOptions {
  /** L1 + Redis bytes above which a memory warning alert is raised. Default 50 MiB. */
  memoryWarningBytes?: number;
  /** L1 + Redis bytes above which a critical memory alert is raised. Default 100 MiB. */
  memoryCriticalBytes?: number;
  /** Operations slower than this many milliseconds are recorded as slow. Default 50. */
  slowOperationMs?: number;
  /** Invalidations per hour above which a warning is raised. Default 50. */
  invalidationWarningPerHour?: number;
  /** Invalidations per hour above which a critical alert is raised. Default 100. */
  invalidationCriticalPerHour?: number;
  /** How long recorded measurements are kept, in seconds or a duration string. Default 1 h. */
  retention?: TtlInput;
  /** Measurements kept per series (ring buffer size). Default 1000. */
  maxMeasurements?: number;
  /**
   * Distinct operation names counted and labelled on their own (per-operation counters, Prometheus
   * `operation` label); operations first seen after this many share the label `other`, so a stream
   * of made-up operation names cannot grow memory or the metrics page. Default 100.
   */
  maxOperations?: number;
}

export interface TextSizeTiers {
  /** Texts shorter than this many characters are `small`. Default 500. */
  small: number;
  /** Texts shorter than this are `medium`. Default 5000. */
  medium: number;
  /** Texts shorter than this are `large`; longer ones are `xlarge`. Default 50000. */
  large: number;
}

/** Everything `CacheModule.forRoot()` / `forRootAsync()` accept. All optional. */
export interface CacheModuleOptions {
  /** `'memory'` or `'redis'`. Default: `redis` when a Redis url, cluster or client is given, else `memory`. */
  driver?: BuiltInCacheDriver;
  /**
   * A store of your own instead of a driver (e.g. over another KV service): a `CacheStore`, or a
   * function of the `CacheStoreContext` (namespace, bounds, the codec, the monitor's observer) that
   * makes one. Not with `driver` or `redis`. CacheModule connects it at init and closes it at shutdown.
   */
  store?: CacheStoreOption;
  redis?: RedisConnectionOptions;
  /** Prefix of every key the library stores (`namespace:`). Default `'ai_cache'`. No glob characters. */
  namespace?: string;
  /** TTL when neither the call nor the operation gives one. Default 3600 s. */
  defaultTtl?: TtlInput;
  /** Per-operation TTLs, merged over summarize 2h, sentiment 24h, key_points 2h, questions 1h, qa 30m. */
  operationTtls?: Record<string, TtlInput>;
  /** Memory driver: most entries kept (LRU beyond). Default 1000. */
  maxSize?: number;
  /** Memory driver: most bytes of encoded keys + values kept (LRU beyond). Default: no byte bound. */
  maxBytes?: number;
  /** Redis driver: entries of the L1 memory tier in front of Redis (0 turns L1 off). Default 100. */
  memoryCacheSize?: number;
  /** Redis driver: most bytes the L1 tier keeps (UTF-8 keys + uncompressed entry JSON). Default 64 MiB. */
  memoryCacheMaxBytes?: number;
  /**
   * Redis driver: seconds (or a duration) an L1 copy may be served without Redis confirming it, however
   * long the entry lives: the bound on staleness if the path that reports changes breaks. Default 60.
   */
  memoryCacheMaxAge?: TtlInput;
  /** Texts longer than this many characters are never shown in readable keys. Default 1000. */
  textHashThreshold?: number;
  /** Encoded values larger than this many bytes are compressed. Default 1000. */
  compressionThreshold?: number;
  /** Compression level, 1 (fastest) to 9 (smallest), for deflate, brotli and zstd. Default 6. */
  compressionLevel?: number;
  /**
   * Codec for values above `compressionThreshold` in Redis: `'deflate'` (default, no dependency), `'lz4'`
   * (fastest to read; needs the optional peer `lz4-napi`), `'zstd'` (Node's built-in, Node >= 22.15),
   * `'brotli'`. Every value records its codec, so entries stay readable after a switch.
   */
  compressionAlgorithm?: CompressionAlgorithm;
  /** Largest entry cached, in bytes of its uncompressed JSON, on every tier; larger ones are skipped and counted, and larger values read from Redis are treated as corrupted. Default 1 MiB. */
  maxEntryBytes?: number;
  /** Text-length tiers reported to the monitor. */
  textSizeTiers?: Partial<TextSizeTiers>;
  /** Debugging aid: show a short escaped prefix of the text in keys. Default false (no user text in keys). */
  readableKeys?: boolean;
  /** Encryption at rest of every value written to Redis (AES-256-GCM, key rotation by id). Default: off. */
  encryption?: CacheEncryptionOptions;
  /**
   * Single flight of identical misses: always within a process; with `fleet` (default on the redis
   * driver) across every instance on the same Redis, through a lease (`leaseMs`, 30 000) and waits
   * bounded by `maxWaitMs` (60 000).
   */
  singleFlight?: SingleFlightOptions;
  /**
   * Seconds (or a duration) an entry is kept past its TTL and answered at once, stale, while one
   * background refresh (fleet-wide) replaces it. Default 0 (off). Env `CACHE_STALE_WHILE_REVALIDATE`.
   */
  staleWhileRevalidate?: TtlInput;
  /**
   * Recompute hot entries shortly before they expire, in the background (XFetch: likelier the nearer
   * the expiry and the costlier the compute; `beta` > 1 refreshes earlier). Default off.
   */
  refreshAhead?: RefreshAheadInput;
  monitoring?: CacheMonitoringOptions;
}

/** For `forRootAsync({ useClass })` / `useExisting`: as in `@nestjs/cache-manager`. */
export interface CacheOptionsFactory {
  createCacheOptions(): CacheModuleOptions | Promise<CacheModuleOptions>;
}
