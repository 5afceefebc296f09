/** nestjs-ai-cache: the only public entry point (import path alias `@app/ai-cache` in this monorepo). */
export { CacheModule } from './cache.module';
export { CACHE_MODULE_OPTIONS } from './cache.module-definition';
export { cacheConfig, cacheOptionsFromEnv } from './cache.config';
export { CacheOptionsError, resolveCacheOptions } from './cache-options.resolver';
export {
  AIResponseCacheService,
  type CacheOutcome,
  type CacheCallOptions,
  type CacheScopeOptions,
} from './ai-response-cache.service';
export type { CacheStreamOptions, StreamOutcome, StreamSource } from './streams/cached-stream';
export {
  CachedAIResponse,
  CACHED_AI_RESPONSE_METADATA,
  type CachedAIResponseOptions,
  type CachedReturnKind,
  type AIRequestInput,
} from './decorators/cached-ai-response.decorator';
export {
  AICacheContext,
  MAX_TENANT_LENGTH,
  type AICacheControls,
  type AICacheOutcome,
  type ResolvedAICacheControls,
} from './context/ai-cache.context';
export {
  AICacheContextInterceptor,
  AI_CACHE_INTERCEPTOR_OPTIONS,
  type AICacheContextInterceptorOptions,
} from './context/ai-cache-context.interceptor';
export { CacheMonitorService } from './monitor/cache-monitor.service';
export { CACHE_MONITOR_CLOCK } from './monitor/cache-time-series';
export type { CacheAlert, CacheHealth, AlertSeverity, Clock } from './monitor/monitor.types';
export { DEFAULT_MEMORY_SAMPLE_INTERVAL_MS } from './monitor/memory-sampler';
export { DEFAULT_SNAPSHOT_INTERVAL_MS } from './monitor/cache-health.reporter';
export type {
  CacheOperationStats,
  CompressionStats,
  DurationSummary,
  ExportedMetrics,
  InvalidationFrequencyReport,
  InvalidationFrequencyStats,
  KeyGenerationStats,
  MemoryUsageReport,
  MemoryUsageStats,
  NoInvalidations,
  NoMemoryMeasurements,
  OperationLookupStats,
  PerformanceStats,
  PerformanceSummary,
} from './monitor/monitor-reports.types';
export type {
  CacheMonitorCounters,
  CacheMonitorSnapshot,
  InvalidationRecommendation,
  LatencyPercentiles,
  MemoryUsageSample,
  MemoryWarning,
  SlowOperations,
  TokenUsage,
} from './monitor/monitor.types';
export {
  CACHE_METRIC_DEFINITIONS,
  CACHE_METRIC_PREFIX,
  type CacheMetricFamily,
  type CacheMetricSample,
  type CacheMetricType,
  type CacheMonitorTotals,
} from './monitor/cache-metrics';
export { PROMETHEUS_CONTENT_TYPE } from './monitor/prometheus.exposition';
export {
  registerCacheMetrics,
  type CacheMetricsProvider,
  type PromClientRegistry,
  type RegisterCacheMetricsOptions,
} from './monitor/prom-client.registration';
export { extractTokenUsage } from './monitor/token-usage';
export { MAX_JSON_DEPTH, MAX_JSON_LENGTH } from './keys/json-walk';
export { CACHE_STORE, RESOLVED_CACHE_OPTIONS, DEFAULT_OPERATION_TTLS } from './cache.constants';
export { redisAclRuleFor, REDIS_ACL_COMMANDS, type RedisAclRuleOptions } from './stores/redis-acl.rule';
export {
  CacheStore,
  type CacheTier,
  type MaybePromise,
  type StoreDiagnostics,
  type StoreHealth,
  type StoreObserver,
  type StoreRead,
  type StoreStats,
} from './stores/cache-store.interface';
export type { CacheStoreContext, CacheStoreFactory, CacheStoreOption } from './stores/cache-store.context';
export { MemoryStore, type MemoryEvictionReason, type MemoryStoreOptions } from './stores/memory.store';
export { RedisEntryCodec, type RedisEntryCodecOptions } from './codec/redis-entry.codec';
export type { CompressionAlgorithm } from './codec/compression/compressor';
export { compileGlob } from './utils/glob';
export type { CacheEntry } from './interfaces/cache-entry.interface';
export * from './interfaces';
export { type SemanticMatchOptions, DEFAULT_SEMANTIC_THRESHOLD } from './semantic/semantic-match.options';
export { type EmbedFunction, EmbeddingError } from './semantic/embedding.types';
export { openAICompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from './semantic/openai-compatible.embedder';
export { createTestEmbedder, type TestEmbedderOptions } from './semantic/test-embedder';
export { toUnitVector, unitSimilarity, VectorError, MAX_VECTOR_DIMENSIONS, type EmbeddingVector } from './semantic/vector';
export { encodeVector, decodeVector } from './semantic/vector.codec';
export type { VectorIndex, VectorIndexKind, VectorMatch } from './semantic/vector-index.interface';
export { BruteForceVectorIndex, type BruteForceVectorIndexOptions } from './semantic/brute-force.vector-index';
export { HnswVectorIndex, type HnswVectorIndexOptions } from './semantic/hnsw.vector-index';
export type { HnswParameters } from './semantic/hnsw.graph';
export { AdaptiveVectorIndex, DEFAULT_HNSW_CROSSOVER, type AdaptiveVectorIndexOptions } from './semantic/adaptive.vector-index';
export { UsearchUnavailableError } from './semantic/usearch.loader';
export { SemanticIndexRegistry } from './semantic/semantic-index.registry';
export type {
  SemanticIndexRegistryOptions,
  SemanticIndexStats,
  VectorEviction,
  EvictionReason,
} from './semantic/semantic-index.options';
