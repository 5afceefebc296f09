import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { CacheMonitorService } from '@app/ai-cache';

interface StatusSink {
  status(code: number): unknown;
}

type CacheHealth = Awaited<ReturnType<CacheMonitorService['getHealth']>>;

@Controller('health')
export class HealthController {
  constructor(private readonly monitor: CacheMonitorService) {}

  /**
   * The cache's health as the library reports it. 'degraded' is still 200 (the app serves, from
   * memory); 'down' is 503 so that load balancers and orchestrators take the instance out.
   */
  @Get()
  async health(@Res({ passthrough: true }) response: StatusSink): Promise<CacheHealth> {
    const health = await this.monitor.getHealth();
    if (health.status === 'down') response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return health;
  }
}
