import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import {
  AIResponseCacheService,
  CacheModule,
  CacheMonitorService,
  type CacheModuleOptions,
  type CacheOptionsFactory,
  CacheOptionsError,
  cacheConfig,
} from '@app/ai-cache';

const request = { text: 'The quick brown fox', operation: 'summarize', options: { max_length: 50 } };

async function boot(imports: unknown[]) {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('CacheModule wiring', () => {
  const envBackup = { ...process.env };
  afterEach(() => {
    process.env = { ...envBackup };
  });

  it('forRoot() with no options caches in memory with the seed defaults', async () => {
    const app = await boot([CacheModule.forRoot()]);
    const cache = app.get(AIResponseCacheService);
    await cache.cacheResponse(request, { summary: 'fox' });
    const hit = await cache.getCachedResponse(request);
    expect(hit).toMatchObject({ response: { summary: 'fox' }, tier: 'memory', compressed: false, textLength: request.text.length });
    expect(await cache.getTtl(cache.buildKey(request))).toBe(7200);
    expect((await app.get(CacheMonitorService).getHealth()).status).toBe('up');
    await app.close();
  });

  it('is global by default: a feature module injects the service without importing CacheModule', async () => {
    @Injectable()
    class Consumer {
      constructor(readonly cache: AIResponseCacheService) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}

    const app = await boot([CacheModule.forRoot({ namespace: 'global_test' }), FeatureModule]);
    expect(app.get(Consumer).cache).toBe(app.get(AIResponseCacheService));
    await app.close();
  });

  it('is not global with isGlobal: false', async () => {
    @Injectable()
    class Consumer {
      constructor(readonly cache: AIResponseCacheService) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}

    await expect(boot([CacheModule.forRoot({ isGlobal: false }), FeatureModule])).rejects.toThrow(/AIResponseCacheService/);
  });

  it('forRootAsync(cacheConfig.asProvider()) reads the CACHE_* environment', async () => {
    process.env.CACHE_DRIVER = 'memory';
    process.env.CACHE_NAMESPACE = 'from_env';
    process.env.CACHE_OPERATION_TTLS = 'summarize=90s';
    const app = await boot([ConfigModule.forRoot({ ignoreEnvFile: true }), CacheModule.forRootAsync(cacheConfig.asProvider())]);
    const cache = app.get(AIResponseCacheService);
    await cache.cacheResponse(request, 'ok');
    expect(await cache.getTtl(cache.buildKey(request))).toBe(90);
    expect((await cache.getCacheStats()).driver).toBe('memory');
    await app.close();
  });

  it('forRootAsync with useFactory and ConfigService', async () => {
    const app = await boot([
      ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ cacheTtl: '5m' })] }),
      CacheModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService): CacheModuleOptions => ({ defaultTtl: config.get<string>('cacheTtl') }),
      }),
    ]);
    const cache = app.get(AIResponseCacheService);
    await cache.set('user:1', { name: 'Ada' });
    expect(await cache.getTtl('user:1')).toBe(300);
    await app.close();
  });

  it('forRootAsync with useClass implementing createCacheOptions()', async () => {
    @Injectable()
    class CacheOptionsFromClass implements CacheOptionsFactory {
      createCacheOptions(): CacheModuleOptions {
        return { maxSize: 2 };
      }
    }
    const app = await boot([CacheModule.forRootAsync({ useClass: CacheOptionsFromClass })]);
    const stats = await app.get(AIResponseCacheService).getCacheStats();
    expect(stats.memory.maxEntries).toBe(2);
    await app.close();
  });

  it.each([
    [{ defaultTtl: -1 }, 'defaultTtl'],
    [{ compressionLevel: 12 }, 'compressionLevel'],
    [{ driver: 'memcached' }, 'driver'],
    [{ namespace: '' }, 'namespace'],
    [{ namespace: 'a*' }, 'namespace'],
  ])('fails bootstrap for %p naming `%s`', async (options, option) => {
    const error = await boot([CacheModule.forRoot(options as CacheModuleOptions)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CacheOptionsError);
    expect((error as CacheOptionsError).option).toBe(option);
  });

  it('fails bootstrap for a bad environment variable, naming the option', async () => {
    process.env.CACHE_TTL = 'soon';
    await expect(boot([ConfigModule.forRoot({ ignoreEnvFile: true }), CacheModule.forRootAsync(cacheConfig.asProvider())])).rejects.toThrow(
      /`defaultTtl`.*"soon"/,
    );
  });
});
