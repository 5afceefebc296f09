import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CacheModule, cacheConfig } from '@app/ai-cache';
import { CacheAdminModule } from './cache-admin/cache-admin.module';
import { HealthController } from './health/health.controller';
import { TextProcessorModule } from './text-processor/text-processor.module';

/**
 * The cache is configured from the environment: CACHE_DRIVER / REDIS_URL pick the driver, and with
 * neither the memory driver runs, so the demo starts without Redis. CacheAdminModule adds the
 * operator's endpoints: /metrics, /cache/stats, /cache/snapshot(s), /cache/dashboard, /cache/invalidate.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    CacheModule.forRootAsync(cacheConfig.asProvider()),
    TextProcessorModule,
    CacheAdminModule,
  ],
  controllers: [HealthController],
})
export class AppModule {}
