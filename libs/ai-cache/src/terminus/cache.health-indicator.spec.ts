import { Controller, Get, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { CacheModule } from '../cache.module';
import { CacheMonitorService } from '../monitor/cache-monitor.service';
import type { CacheHealth } from '../monitor/monitor.types';
import { CacheHealthModule } from './cache-health.module';
import { CacheHealthIndicator } from './cache.health-indicator';

function indicatorReporting(health: CacheHealth) {
  const monitor = { getHealth: async () => health } as unknown as CacheMonitorService;
  return new CacheHealthIndicator(monitor, new HealthIndicatorService());
}

describe('CacheHealthIndicator', () => {
  const up: CacheHealth = { status: 'up', driver: 'redis', redis: { connected: true, latencyMs: 0.3 }, hitRatio: 75, alerts: [] };
  const degraded: CacheHealth = {
    status: 'degraded',
    driver: 'redis',
    redis: { connected: false },
    hitRatio: 10,
    alerts: [{ severity: 'warning', message: 'Redis is unreachable: serving from the memory tier only' }],
  };

  it('is up with the cache health under its key (the cache status as cacheStatus)', async () => {
    expect(await indicatorReporting(up).isHealthy()).toEqual({
      cache: { status: 'up', cacheStatus: 'up', driver: 'redis', redis: { connected: true, latencyMs: 0.3 }, hitRatio: 75, alerts: [] },
    });
  });

  it('keeps degraded up by default, and down when asked', async () => {
    expect((await indicatorReporting(degraded).isHealthy('aiCache')).aiCache).toMatchObject({ status: 'up', cacheStatus: 'degraded' });
    expect((await indicatorReporting(degraded).isHealthy('aiCache', { degradedIsDown: true })).aiCache).toMatchObject({
      status: 'down',
      cacheStatus: 'degraded',
      alerts: degraded.alerts,
    });
  });

  it('is down when the cache is down', async () => {
    const down: CacheHealth = { status: 'down', driver: 'memory', hitRatio: 0, alerts: [{ severity: 'critical', message: 'x' }] };
    expect((await indicatorReporting(down).isHealthy()).cache.status).toBe('down');
  });

  describe('in a Terminus health check', () => {
    @Controller('health')
    class HealthController {
      constructor(
        private readonly health: HealthCheckService,
        private readonly cache: CacheHealthIndicator,
      ) {}

      @Get()
      @HealthCheck()
      check() {
        return this.health.check([() => this.cache.isHealthy('cache')]);
      }
    }

    let app: INestApplication;

    beforeAll(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [CacheModule.forRoot({ driver: 'memory' }), TerminusModule.forRoot({ logger: false }), CacheHealthModule],
        controllers: [HealthController],
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
    });

    afterAll(async () => {
      await app.close();
    });

    it("answers 200 with the real monitor's health, and 503 once the cache is down", async () => {
      const ok = await request(app.getHttpServer()).get('/health').expect(200);
      expect(ok.body).toMatchObject({ status: 'ok', info: { cache: { status: 'up', cacheStatus: 'up', driver: 'memory' } } });

      jest.spyOn(app.get(CacheMonitorService), 'getHealth').mockResolvedValueOnce({ status: 'down', driver: 'memory', hitRatio: 0, alerts: [] });
      const failed = await request(app.getHttpServer()).get('/health').expect(503);
      expect(failed.body).toMatchObject({ status: 'error', error: { cache: { status: 'down', cacheStatus: 'down' } } });
    });
  });
});
