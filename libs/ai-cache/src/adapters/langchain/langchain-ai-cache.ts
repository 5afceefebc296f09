import { Logger } from '@nestjs/common';
import type { Generation } from '@langchain/core/outputs';
import type { AIResponseCacheService } from '../../ai-response-cache.service';
import type { AIRequest } from '../../interfaces/ai-request.interface';
import { type AICacheAdapterOptions, adapterCall, recordAdapterOutcome, type ResolvedAdapterOptions, resolveAdapterOptions } from '../adapter-options';
import { langchainCaches } from './langchain-core.peer';
import { fromCachedGenerations, toCachedGenerations } from './stored-generations';

export interface LangChainAICacheOptions extends AICacheAdapterOptions {
  /** Default `'llm'`. */
  operation?: string;
}

const DEFAULT_OPERATION = 'llm';
const { BaseCache } = langchainCaches;

/**
 * A LangChain.js cache backed by AIResponseCacheService: give it as any model's `cache`
 * (`new ChatOpenAI({ cache })`) and the model's answers are stored in memory or Redis with this
 * library's keys, TTLs, tenants (from AICacheContext), metrics and invalidation by operation.
 *
 * The key covers the prompt and the whole `llmKey` LangChain computes for the call (the model's
 * identifying parameters and every call option: temperature, stop, tools…), hashed: no prompt text
 * in keys. Generations round-trip with their message (content, tool calls, metadata) and
 * `generationInfo`.
 *
 * LangChain asks a cache `lookup`, then calls the model itself, then `update`: the cache never
 * sees the model call, so identical concurrent misses cannot be coalesced here (use
 * `@CachedAIResponse()` or `getOrCompute` around the chain for that), and LangChain does not
 * consult caches for `.stream()`.
 */
export class LangChainAICache extends BaseCache<Generation[]> {
  private readonly adapter: ResolvedAdapterOptions;
  private readonly logger = new Logger('AICache');
  private writeFailureLogged = false;

  constructor(
    private readonly cache: AIResponseCacheService,
    options?: LangChainAICacheOptions,
  ) {
    super();
    if (typeof cache?.getCachedResponse !== 'function') {
      throw new TypeError('LangChainAICache: cache must be the AIResponseCacheService (inject it, or app.get(AIResponseCacheService))');
    }
    this.adapter = resolveAdapterOptions(options, DEFAULT_OPERATION, 'LangChainAICache');
  }

  /** The AIRequest of one prompt of one model call (to find its entry with `getCachedResponse`). */
  static request(prompt: string, llmKey: string, operation = DEFAULT_OPERATION): AIRequest {
    return { text: prompt, operation, options: { llmKey } };
  }

  async lookup(prompt: string, llmKey: string): Promise<Generation[] | null> {
    const call = adapterCall(this.adapter);
    const request = LangChainAICache.request(prompt, llmKey, this.adapter.operation);
    const scope = { scope: call.options.scope };
    if (call.options.forceRefresh) await this.cache.delete(this.cache.buildKey(request, scope));
    const found = call.options.noCache || call.options.forceRefresh ? undefined : await this.cache.getCachedResponse(request, scope);
    const generations = found && fromCachedGenerations(found.response);
    recordAdapterOutcome(call, generations ? 'hit' : 'miss');
    return generations ?? null;
  }

  async update(prompt: string, llmKey: string, value: Generation[]): Promise<void> {
    const call = adapterCall(this.adapter);
    if (call.options.noStore) return;
    try {
      await this.cache.cacheResponse(LangChainAICache.request(prompt, llmKey, this.adapter.operation), toCachedGenerations(value), {
        ttl: call.options.ttl,
        scope: call.options.scope,
      });
    } catch (error) {
      // The model answered; a generation we cannot store (a value JSON cannot hold) must not fail the call.
      if (this.writeFailureLogged) return;
      this.writeFailureLogged = true;
      this.logger.warn(`LangChainAICache: not caching a generation: ${(error as Error).message}. Further such failures are not logged.`);
    }
  }
}
