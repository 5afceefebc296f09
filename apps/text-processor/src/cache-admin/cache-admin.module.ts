import { Module } from '@nestjs/common';
import { CacheInvalidationController } from './cache-invalidation.controller';
import { CacheStatsController } from './cache-stats.controller';
import { DashboardController } from './dashboard.controller';
import { MetricsController } from './metrics.controller';
import { OperatorAccessGuard } from './operator-access.guard';
import { OperatorCredentials } from './operator-credentials';

/**
 * Operating the cache: GET /metrics (Prometheus), GET /cache/stats, GET /cache/snapshot, GET
 * /cache/snapshots (SSE), GET /cache/dashboard (+ its sign-in), and POST /cache/invalidate, each
 * behind OperatorAccessGuard (CACHE_ADMIN_API_KEY, CACHE_METRICS_TOKEN; see operator-access.guard.ts).
 * Needs the (global) CacheModule and ConfigModule to be imported by the app.
 */
@Module({
  controllers: [MetricsController, CacheStatsController, CacheInvalidationController, DashboardController],
  providers: [OperatorCredentials, OperatorAccessGuard],
})
export class CacheAdminModule {}
