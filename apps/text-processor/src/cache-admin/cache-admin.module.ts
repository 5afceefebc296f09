import { Module } from '@nestjs/common';
import { AdminApiKeyGuard } from './admin-api-key.guard';
import { CacheInvalidationController } from './cache-invalidation.controller';
import { CacheStatsController } from './cache-stats.controller';
import { DashboardController } from './dashboard.controller';
import { MetricsController } from './metrics.controller';

/**
 * Operating the cache: GET /metrics (Prometheus), GET /cache/stats, GET /cache/snapshot, GET
 * /cache/snapshots (SSE), GET /cache/dashboard, and POST /cache/invalidate behind the admin API key.
 * Needs the (global) CacheModule and ConfigModule to be imported by the app.
 */
@Module({
  controllers: [MetricsController, CacheStatsController, CacheInvalidationController, DashboardController],
  providers: [AdminApiKeyGuard],
})
export class CacheAdminModule {}
