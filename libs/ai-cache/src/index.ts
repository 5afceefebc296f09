/**
 * nestjs-ai-cache: the only public entry point (import path alias `@app/ai-cache` in this monorepo).
 * It exports what applications use, and what a store of their own is built from; the adapters and
 * the store test suite have entries of their own (`nestjs-ai-cache/<name>`).
 */

// ---- the module and its options ----
export { CacheModule } from './cache.module';
export { cacheConfig } from './cache.config';
export { CacheOptionsError } from './cache-options.error';
export * from './interfaces';
export type { RefreshAheadInput, SingleFlightOptions } from './flight.options';

// ---- the cache ----
export { AIResponseCacheService, type CacheOutcome, type CacheCallOptions, type CacheScopeOptions } from './ai-response-cache.service';
export type { CacheStreamOptions, StreamOutcome, StreamSource } from './streams/cached-stream';
export { MAX_JSON_DEPTH, MAX_JSON_LENGTH } from './keys/json-walk';

// ---- the decorator and per-call controls ----
export { CachedAIResponse, type AIRequestInput, type CachedAIResponseOptions, type CachedReturnKind } from './decorators/cached-ai-response.decorator';
export { AICacheContext, type AICacheControls, type AICacheOutcome, type ResolvedAICacheControls } from './context/ai-cache.context';
export {
  AICacheContextInterceptor,
  AI_CACHE_INTERCEPTOR_OPTIONS,
  type AICacheContextInterceptorOptions,
} from './context/ai-cache-context.interceptor';

// ---- monitoring ----
export { CacheMonitorService } from './monitor/cache-monitor.service';
// Every type the monitor's readings and record* methods are made of.
export type * from './monitor/monitor.types';
export type {
  ExportedMetrics,
  InvalidationFrequencyStats,
  MemoryUsageStats,
  PerformanceStats,
  PerformanceSummary,
} from './monitor/monitor-reports.types';
export type { CacheMetricFamily, CacheMetricSample, CacheMetricType, CacheMonitorTotals } from './monitor/cache-metrics';
export { PROMETHEUS_CONTENT_TYPE } from './monitor/prometheus.exposition';
export {
  registerCacheMetrics,
  type CacheMetricsProvider,
  type PromClientRegistry,
  type RegisterCacheMetricsOptions,
} from './monitor/prom-client.registration';

// ---- stores: the extension point ----
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
export type { CacheStoreContext, CacheStoreOption } from './stores/cache-store.context';
export { MemoryStore, type MemoryStoreOptions } from './stores/memory.store';
export { RedisEntryCodec, type RedisEntryCodecOptions } from './codec/redis-entry.codec';
export type { CompressionAlgorithm } from './codec/compression/compressor';
export { compileGlob } from './utils/glob';
export { redisAclRuleFor, REDIS_ACL_COMMANDS, type RedisAclRuleOptions } from './stores/redis-acl.rule';

// ---- semantic match ----
export type { SemanticMatchOptions } from './semantic/semantic-match.options';
export { type EmbedFunction, EmbeddingError } from './semantic/embedding.types';
export { openAICompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from './semantic/openai-compatible.embedder';
export { createTestEmbedder, type TestEmbedderOptions } from './semantic/test-embedder';
export { toUnitVector, unitSimilarity, VectorError, type EmbeddingVector } from './semantic/vector';
