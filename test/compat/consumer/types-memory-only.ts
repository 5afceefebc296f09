/**
 * Type-checked, never run, by scripts/compat-smoke.sh BEFORE any optional peer is installed
 * (no ioredis, prom-client, @nestjs/terminus…) and with `skipLibCheck: false`, under module
 * resolution node10 and nodenext: an app on the memory driver must compile against the packed
 * declarations alone, as a TypeScript user on the memory driver builds it.
 */
import { Injectable, Module } from '@nestjs/common';
import {
  AIResponseCacheService,
  CacheModule,
  type CacheModuleOptions,
  CacheMonitorService,
  CachedAIResponse,
  registerCacheMetrics,
} from 'nestjs-ai-cache';

const options: CacheModuleOptions = { namespace: 'memory_only', maxSize: 500, monitoring: { maxOperations: 50 } };

@Injectable()
export class Summarizer {
  constructor(
    private readonly cache: AIResponseCacheService,
    private readonly monitor: CacheMonitorService,
  ) {}

  @CachedAIResponse({ operation: 'summarize', ttl: '2h' })
  async summarize(text: string): Promise<{ summary: string }> {
    return { summary: text.slice(0, 10) };
  }

  async answer(question: string): Promise<number> {
    return this.cache.getOrCompute({ text: 'a document', operation: 'qa', question }, async () => 42);
  }

  metrics(): string {
    return this.monitor.toPrometheus();
  }
}

@Module({ imports: [CacheModule.forRoot(options)], providers: [Summarizer] })
export class MemoryOnlyAppModule {}

// The prom-client registry is described structurally: no prom-client needed to name the type.
export const register: typeof registerCacheMetrics = registerCacheMetrics;

// If the declarations resolved to `any`, this would compile and the directive would be reported unused.
// @ts-expect-error: a misspelt option must not type-check
CacheModule.forRoot({ nameSpace: 'compat' });
