import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { AIResponseCacheService, CacheModule, CacheMonitorService } from '@app/ai-cache';
import { firstValueFrom, take, toArray } from 'rxjs';
import { CacheStatsController, MIN_STREAM_INTERVAL_MS } from './cache-stats.controller';
import { OperatorAccessGuard } from './operator-access.guard';
import { OperatorCredentials } from './operator-credentials';

describe('CacheStatsController', () => {
  let moduleRef: TestingModule;
  let controller: CacheStatsController;
  let cache: AIResponseCacheService;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({ driver: 'memory', monitoring: { memoryWarningBytes: 100, memoryCriticalBytes: 1_000_000 } }),
        ConfigModule.forRoot({ ignoreEnvFile: true, skipProcessEnv: true }),
      ],
      controllers: [CacheStatsController],
      providers: [OperatorCredentials, OperatorAccessGuard],
    }).compile();
    await moduleRef.init();
    controller = moduleRef.get(CacheStatsController);
    cache = moduleRef.get(AIResponseCacheService);
  });

  afterEach(async () => {
    await moduleRef.close();
  });

  it('returns the cache stats with a fresh memory reading and the current advice', async () => {
    await cache.cacheResponse({ text: 'some text to cache', operation: 'summarize' }, { summary: 'x'.repeat(300) });
    const stats = await controller.stats();
    expect(stats).toMatchObject({ driver: 'memory', memory: { entries: 1 }, performance: { memoryUsage: { current: { memoryCacheEntryCount: 1 } } } });
    // 100 bytes is the warning threshold here: the entry just written is over it.
    expect(stats.memoryWarnings).toEqual([expect.objectContaining({ severity: 'warning' })]);
    expect(stats.invalidationRecommendations).toEqual([]);
  });

  it('streams snapshots as SSE messages, never faster than the minimum period', async () => {
    const snapshots$ = jest.spyOn(moduleRef.get(CacheMonitorService), 'snapshots$');
    const events = await firstValueFrom(controller.snapshots(1).pipe(take(1), toArray()));
    expect(snapshots$).toHaveBeenCalledWith(MIN_STREAM_INTERVAL_MS);
    expect(events).toEqual([{ data: expect.objectContaining({ hitRatio: 0, hits: 0 }) }]);
  });
});
