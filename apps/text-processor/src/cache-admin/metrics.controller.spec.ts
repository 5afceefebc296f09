import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { CacheModule, CacheMonitorService } from '@app/ai-cache';
import { MetricsController } from './metrics.controller';
import { OperatorAccessGuard } from './operator-access.guard';
import { OperatorCredentials } from './operator-credentials';

describe('MetricsController', () => {
  it("serves the monitor's Prometheus exposition", async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot({ driver: 'memory' }), ConfigModule.forRoot({ ignoreEnvFile: true, skipProcessEnv: true })],
      controllers: [MetricsController],
      providers: [OperatorCredentials, OperatorAccessGuard],
    }).compile();
    moduleRef.get(CacheMonitorService).recordLookup('qa', 'miss', 1);
    const text = moduleRef.get(MetricsController).metrics();
    expect(text).toContain('ai_cache_misses_total{cache="ai_cache",operation="qa",tier="memory"} 1\n');
    expect(text).toBe(moduleRef.get(CacheMonitorService).toPrometheus());
    await moduleRef.close();
  });
});
