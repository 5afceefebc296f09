import type { Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AIResponseCacheService, CacheModule, type CacheModuleOptions, CacheMonitorService } from '@app/ai-cache';

export interface CacheApp {
  moduleRef: TestingModule;
  cache: AIResponseCacheService;
  monitor: CacheMonitorService;
  close(): Promise<void>;
}

/**
 * A Nest app with `CacheModule.forRoot(options)` (memory driver by default) and `providers`, such
 * as an adapter built from the injected AIResponseCacheService: the way an application wires them.
 */
export async function startCacheApp(providers: Provider[] = [], options: CacheModuleOptions = { driver: 'memory' }): Promise<CacheApp> {
  const moduleRef = await Test.createTestingModule({ imports: [CacheModule.forRoot(options)], providers }).compile();
  await moduleRef.init();
  return {
    moduleRef,
    cache: moduleRef.get(AIResponseCacheService),
    monitor: moduleRef.get(CacheMonitorService),
    close: () => moduleRef.close(),
  };
}
