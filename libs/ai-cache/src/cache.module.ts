import { type DynamicModule, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AIResponseCacheService } from './ai-response-cache.service';
import { CACHE_STORE, RESOLVED_CACHE_OPTIONS } from './cache.constants';
import { CacheCalls } from './calls/cache-calls';
import { ASYNC_OPTIONS_TYPE, CACHE_MODULE_OPTIONS, ConfigurableModuleClass, OPTIONS_TYPE } from './cache.module-definition';
import { resolveCacheOptions } from './cache-options.resolver';
import { CachedAIResponseExplorer } from './decorators/cached-ai-response.explorer';
import { CachedAIResponseMetadataAccessor } from './decorators/cached-ai-response.metadata-accessor';
import { CacheMonitorService } from './monitor/cache-monitor.service';
import { CACHE_MONITOR_PROVIDERS } from './monitor/cache-monitor.providers';
import { StoreEventsRecorder } from './monitor/store-events.recorder';
import type { CacheStore } from './stores/cache-store.interface';
import { createCacheStore } from './stores/cache-store.factory';

/**
 * `CacheModule.forRoot(options?)` or `CacheModule.forRootAsync(cacheConfig.asProvider())`.
 * Global unless `isGlobal: false`. Exports AIResponseCacheService and CacheMonitorService.
 */
@Module({
  // DiscoveryModule: the explorer finds the @CachedAIResponse() methods of every provider.
  imports: [DiscoveryModule],
  providers: [
    // Validation runs here, so a bad option fails bootstrap with CacheOptionsError naming it.
    { provide: RESOLVED_CACHE_OPTIONS, useFactory: resolveCacheOptions, inject: [CACHE_MODULE_OPTIONS] },
    ...CACHE_MONITOR_PROVIDERS,
    { provide: CACHE_STORE, useFactory: createCacheStore, inject: [RESOLVED_CACHE_OPTIONS, StoreEventsRecorder] },
    CacheCalls,
    AIResponseCacheService,
    CachedAIResponseMetadataAccessor,
    CachedAIResponseExplorer,
  ],
  exports: [AIResponseCacheService, CacheMonitorService, CACHE_STORE, RESOLVED_CACHE_OPTIONS],
})
export class CacheModule extends ConfigurableModuleClass implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(CACHE_STORE) private readonly store: CacheStore) {
    super();
  }

  /** All options are optional, so `forRoot()` with no argument is the in-memory cache with the seed's defaults. */
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }

  /** Connects Redis (bounded by `redis.connectTimeoutMs`; an unreachable Redis starts degraded, never blocks). */
  async onModuleInit(): Promise<void> {
    await this.store.connect?.();
  }

  /** After every module's onModuleDestroy, so other modules can still use the cache while they shut down. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }
}
