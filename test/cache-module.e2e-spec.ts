import { Injectable, Logger, Module } from '@nestjs/common';
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
import { RedisServer } from './support/redis-harness';

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

  it.each([
    ['driver: redis in code', () => [CacheModule.forRoot({ driver: 'redis' })]],
    ['CACHE_DRIVER=redis in the environment', () => {
      process.env.CACHE_DRIVER = 'redis';
      return [ConfigModule.forRoot({ ignoreEnvFile: true }), CacheModule.forRootAsync(cacheConfig.asProvider())];
    }],
  ])('fails bootstrap with %s and no url, cluster or client, naming redis.url (never a default address)', async (_how, imports) => {
    const error = await boot(imports()).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CacheOptionsError);
    expect((error as CacheOptionsError).option).toBe('redis.url');
    expect((error as Error).message).toContain('set redis.url (env REDIS_URL), redis.cluster.nodes (env REDIS_CLUSTER_NODES) or redis.client');
  });

  it('logs the Redis it uses at bootstrap, port spelled out and credentials masked', async () => {
    const server = await RedisServer.start();
    // Set once started: the harness checks readiness without a password.
    await server.cli('CONFIG', 'SET', 'requirepass', 'secret-password');
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const url = `redis://:secret-password@127.0.0.1:${server.port}/2`;
      const app = await boot([CacheModule.forRoot({ redis: { url }, namespace: 'logged', memoryCacheSize: 0 })]);
      const cache = app.get(AIResponseCacheService);
      await cache.cacheResponse(request, 'stored');
      expect((await cache.getCachedResponse(request))?.tier).toBe('redis');
      await app.close();
      const lines = log.mock.calls.map(([message]) => String(message));
      expect(lines).toContain(`Cache driver: redis (redis://***@127.0.0.1:${server.port}/2), namespace 'logged', no L1 memory tier`);
      expect(lines.join('\n')).not.toContain('secret-password');
    } finally {
      log.mockRestore();
      await server.stop();
    }
  });

  it('takes the monitoring thresholds from the environment, validated like every option', async () => {
    Object.assign(process.env, { CACHE_MONITORING_MAX_OPERATIONS: '2', CACHE_SLOW_OPERATION_MS: '5', CACHE_MEMORY_WARNING_BYTES: '1024' });
    const app = await boot([ConfigModule.forRoot({ ignoreEnvFile: true }), CacheModule.forRootAsync(cacheConfig.asProvider())]);
    const cache = app.get(AIResponseCacheService);
    for (const operation of ['summarize', 'qa', 'translate', 'chat']) await cache.getCachedResponse({ text: 'x', operation });
    expect(Object.keys(app.get(CacheMonitorService).getTotals().lookups)).toEqual(['summarize', 'qa', 'other']);
    expect(app.get(CacheMonitorService).getMemoryUsageStats()).toMatchObject({ warningThresholdMb: 1024 / (1024 * 1024) });
    await app.close();

    process.env.CACHE_MEMORY_CRITICAL_BYTES = '512';
    await expect(boot([ConfigModule.forRoot({ ignoreEnvFile: true }), CacheModule.forRootAsync(cacheConfig.asProvider())])).rejects.toThrow(
      /`monitoring\.memoryCriticalBytes`.*512/,
    );
  });

  it('fails bootstrap for a bad environment variable, naming the option', async () => {
    process.env.CACHE_TTL = 'soon';
    await expect(boot([ConfigModule.forRoot({ ignoreEnvFile: true }), CacheModule.forRootAsync(cacheConfig.asProvider())])).rejects.toThrow(
      /`defaultTtl`.*"soon"/,
    );
  });
});
