import { Controller, Get, Header, type MessageEvent, ParseIntPipe, Query, Sse } from '@nestjs/common';
import {
  AIResponseCacheService,
  CacheMonitorService,
  type CacheMonitorSnapshot,
  type CacheStats,
  type InvalidationRecommendation,
  type MemoryWarning,
} from '@app/ai-cache';
import { map, type Observable } from 'rxjs';
import { OperatorAccess } from './operator-access.guard';

export const DEFAULT_STREAM_INTERVAL_MS = 2000;
/** Bounds on the SSE period: faster would let one client make the server read stats constantly. */
export const MIN_STREAM_INTERVAL_MS = 250;
export const MAX_STREAM_INTERVAL_MS = 60_000;

export interface CacheStatsResponse extends CacheStats {
  memoryWarnings: MemoryWarning[];
  invalidationRecommendations: InvalidationRecommendation[];
}

/** Behind the admin key (header, bearer token or dashboard session) when one is set. */
@Controller('cache')
@OperatorAccess('read')
export class CacheStatsController {
  constructor(
    private readonly cache: AIResponseCacheService,
    private readonly monitor: CacheMonitorService,
  ) {}

  /** The cache's stats (driver, Redis, memory tier, the seed's performance stats) with current advice. */
  @Get('stats')
  @Header('Cache-Control', 'no-store')
  async stats(): Promise<CacheStatsResponse> {
    // A fresh memory reading, so memoryUsage and the warnings describe now, not the last periodic one.
    await this.monitor.sampleMemoryUsage();
    const stats = await this.cache.getCacheStats();
    return {
      ...stats,
      memoryWarnings: this.monitor.getMemoryWarnings(),
      invalidationRecommendations: this.monitor.getInvalidationRecommendations(),
    };
  }

  /** One compact snapshot (what the dashboard polls). */
  @Get('snapshot')
  @Header('Cache-Control', 'no-store')
  snapshot(): Promise<CacheMonitorSnapshot> {
    return this.monitor.snapshot();
  }

  /** Snapshots as Server-Sent Events every `intervalMs` (250 to 60000, default 2000); stops when the client leaves. */
  @Sse('snapshots')
  snapshots(@Query('intervalMs', new ParseIntPipe({ optional: true })) intervalMs?: number): Observable<MessageEvent> {
    const period = Math.min(MAX_STREAM_INTERVAL_MS, Math.max(MIN_STREAM_INTERVAL_MS, intervalMs ?? DEFAULT_STREAM_INTERVAL_MS));
    return this.monitor.snapshots$(period).pipe(map((snapshot) => ({ data: snapshot })));
  }
}
