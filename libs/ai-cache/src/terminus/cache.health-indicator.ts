import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { CacheMonitorService } from '../monitor/cache-monitor.service';
import type { CacheDriver } from '../interfaces/cache-stats.interface';
import type { CacheAlert } from '../monitor/monitor.types';

export interface CacheHealthCheckOptions {
  /**
   * Report `down` while Redis is unreachable and memory alone serves. Default false: the cache is
   * built to run degraded (nothing fails, entries are served from memory), so taking the instance
   * out of a load balancer for it would turn a Redis blip into an outage.
   */
  degradedIsDown?: boolean;
}

/** What the indicator adds under its key (`status` is Terminus': the cache's own is `cacheStatus`). */
export interface CacheHealthDetails {
  [detail: string]: unknown;
  cacheStatus: 'up' | 'degraded' | 'down';
  driver: CacheDriver;
  redis?: { connected: boolean; latencyMs?: number };
  hitRatio: number;
  alerts: CacheAlert[];
}

/**
 * A Terminus (v11+) health indicator for the AI cache, from `CacheMonitorService.getHealth()`:
 *
 * ```ts
 * @Get() @HealthCheck()
 * check() { return this.health.check([() => this.cache.isHealthy('cache')]); }
 * ```
 */
@Injectable()
export class CacheHealthIndicator {
  constructor(
    private readonly monitor: CacheMonitorService,
    private readonly healthIndicators: HealthIndicatorService,
  ) {}

  async isHealthy<const Key extends string = 'cache'>(
    key: Key = 'cache' as Key,
    options: CacheHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.healthIndicators.check(key);
    const health = await this.monitor.getHealth();
    const { status, ...rest } = health;
    const details: CacheHealthDetails = { cacheStatus: status, ...rest };
    const down = status === 'down' || (status === 'degraded' && options.degradedIsDown === true);
    return down ? indicator.down(details) : indicator.up(details);
  }
}
