// The main entry's runtime surface, pinned: what applications use and what a store of their own is
// built from. Internals (option tokens, the resolver, metric definitions, index classes) stay out.
import * as main from './index';

it('exports exactly the public runtime names', () => {
  expect(Object.keys(main).sort()).toEqual([
    'AICacheContext',
    'AICacheContextInterceptor',
    'AIResponseCacheService',
    'AI_CACHE_INTERCEPTOR_OPTIONS',
    'CacheModule',
    'CacheMonitorService',
    'CacheOptionsError',
    'CacheStore',
    'CachedAIResponse',
    'EmbeddingError',
    'MAX_JSON_DEPTH',
    'MAX_JSON_LENGTH',
    'MemoryStore',
    'PROMETHEUS_CONTENT_TYPE',
    'REDIS_ACL_COMMANDS',
    'RedisEntryCodec',
    'VectorError',
    'cacheConfig',
    'compileGlob',
    'createTestEmbedder',
    'openAICompatibleEmbedder',
    'redisAclRuleFor',
    'registerCacheMetrics',
    'toUnitVector',
    'unitSimilarity',
  ]);
});

it('exports the store token as CacheStore, the same token CacheModule provides its store under', () => {
  expect(typeof main.CacheStore).toBe('symbol');
  expect(main.CacheStore.description).toBe('AI_CACHE_STORE');
});
