/**
 * Type-checked, never run: scripts/compat-smoke.sh compiles this file with `tsc --noEmit` (module
 * nodenext, as a Nest 12 ESM app is built) inside the consumer, so the library's declarations are
 * checked against the consumer's own @nestjs/* types, as a TypeScript user would see them.
 */
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AIResponseCacheService, CacheModule, CacheMonitorService, CachedAIResponse, cacheConfig } from 'nestjs-ai-cache';

interface Summary {
  summary: string;
}

@Injectable()
export class Summarizer {
  constructor(
    private readonly cache: AIResponseCacheService,
    private readonly monitor: CacheMonitorService,
  ) {}

  @CachedAIResponse({ operation: 'summarize', ttl: '2h' })
  async summarize(text: string): Promise<Summary> {
    return { summary: text.slice(0, 10) };
  }

  async answer(question: string): Promise<number> {
    return this.cache.getOrCompute({ text: 'a document', operation: 'qa', question }, async () => 42);
  }

  async cachedSummary(text: string): Promise<Summary | undefined> {
    const hit = await this.cache.getCachedResponse<Summary>({ text, operation: 'summarize' });
    return hit?.response;
  }

  async status(): Promise<'up' | 'degraded' | 'down'> {
    return (await this.monitor.getHealth()).status;
  }
}

@Module({
  imports: [ConfigModule.forRoot(), CacheModule.forRootAsync(cacheConfig.asProvider())],
  providers: [Summarizer],
})
export class AsyncConfigAppModule {}

@Module({
  imports: [CacheModule.forRoot({ namespace: 'compat', defaultTtl: '30m' })],
  providers: [Summarizer],
})
export class StaticConfigAppModule {}

// If the declarations resolved to `any`, this would compile and the directive would be reported unused.
// @ts-expect-error: a misspelt option must not type-check
CacheModule.forRoot({ nameSpace: 'compat' });
