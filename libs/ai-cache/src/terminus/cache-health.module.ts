import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CacheHealthIndicator } from './cache.health-indicator';

/**
 * Provides `CacheHealthIndicator`. Import it next to `TerminusModule` in the module of your health
 * controller; `CacheModule` must be registered (it is global by default) so the monitor can be injected.
 */
@Module({
  imports: [TerminusModule],
  providers: [CacheHealthIndicator],
  exports: [CacheHealthIndicator],
})
export class CacheHealthModule {}
