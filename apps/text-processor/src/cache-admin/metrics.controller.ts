import { Controller, Get, Header } from '@nestjs/common';
import { CacheMonitorService, PROMETHEUS_CONTENT_TYPE } from '@app/ai-cache';
import { OperatorAccess } from './operator-access.guard';

/** Behind `CACHE_METRICS_TOKEN` (or the admin key) as a bearer token, when either is set. */
@Controller('metrics')
@OperatorAccess('metrics')
export class MetricsController {
  constructor(private readonly monitor: CacheMonitorService) {}

  /** The cache's metrics for a Prometheus scrape (text exposition format 0.0.4). */
  @Get()
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  metrics(): string {
    return this.monitor.toPrometheus();
  }
}
