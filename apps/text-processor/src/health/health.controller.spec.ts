import { Test, type TestingModule } from '@nestjs/testing';
import { CacheModule, CacheMonitorService } from '@app/ai-cache';
import { HealthController } from './health.controller';

class RecordingResponse {
  statusCode?: number;
  status(code: number): void {
    this.statusCode = code;
  }
}

describe('HealthController', () => {
  let moduleRef: TestingModule;
  let controller: HealthController;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot({ driver: 'memory' })],
      controllers: [HealthController],
    }).compile();
    await moduleRef.init();
    controller = moduleRef.get(HealthController);
  });

  afterEach(async () => {
    await moduleRef.close();
  });

  it("returns the monitor's health as is, with the default status, when the cache is up", async () => {
    const response = new RecordingResponse();
    const health = await controller.health(response);

    expect(health).toEqual(await moduleRef.get(CacheMonitorService).getHealth());
    expect(health).toMatchObject({ status: 'up', driver: 'memory' });
    expect(response.statusCode).toBeUndefined();
  });

  it('answers 503 when the cache is down, still with the health body', async () => {
    const down = { status: 'down' as const, driver: 'redis' as const, hitRatio: 0, alerts: [] };
    jest.spyOn(moduleRef.get(CacheMonitorService), 'getHealth').mockResolvedValue(down);
    const response = new RecordingResponse();

    await expect(controller.health(response)).resolves.toBe(down);
    expect(response.statusCode).toBe(503);
  });
});
