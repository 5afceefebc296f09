/**
 * nestjs-ai-cache/terminus: the optional @nestjs/terminus integration. A separate entry point, so
 * that the main one never loads @nestjs/terminus (an optional peer dependency).
 *
 * ```ts
 * import { CacheHealthModule, CacheHealthIndicator } from 'nestjs-ai-cache/terminus';
 * ```
 */
export { CacheHealthModule } from './terminus/cache-health.module';
export { CacheHealthIndicator, type CacheHealthCheckOptions, type CacheHealthDetails } from './terminus/cache.health-indicator';
