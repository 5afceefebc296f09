import { Logger, type Provider } from '@nestjs/common';
import { AIResponseCacheService } from '@app/ai-cache';
import { FakeLlmClient } from './fake/fake-llm.client';
import { LLM_CLIENT, type LlmClient } from './llm-client.interface';
import { llmConfig, type LlmConfig } from './llm.config';
import { OpenAiCompatibleLlmClient } from './openai/openai-compatible-llm.client';

/**
 * The one place the model is chosen: a real OpenAI-compatible server when LLM_BASE_URL is set, else
 * the fake. Given the cache, the OpenAI-compatible client caches its own calls (withAICache).
 */
export function createLlmClient(config: LlmConfig, logger = new Logger('LlmClient'), cache?: AIResponseCacheService): LlmClient {
  if (config.baseUrl) {
    // The key is never logged; only whether one is configured.
    logger.log(`Using the OpenAI-compatible model "${config.model}" at ${config.baseUrl}${config.apiKey ? '' : ' (no API key)'}`);
    return new OpenAiCompatibleLlmClient(
      {
        baseUrl: config.baseUrl,
        apiKey: config.apiKey,
        model: config.model,
        timeoutMs: config.timeoutMs,
      },
      cache,
    );
  }
  logger.log(`Using the local fake model (${config.fakeLatencyMs} ms simulated latency); set LLM_BASE_URL for a real one`);
  return new FakeLlmClient(config.fakeLatencyMs);
}

export const llmClientProvider: Provider = {
  provide: LLM_CLIENT,
  // Optional: without a CacheModule in reach, the client calls the model uncached and the service's decorators cache.
  inject: [llmConfig.KEY, { token: AIResponseCacheService, optional: true }],
  useFactory: (config: LlmConfig, cache?: AIResponseCacheService) => createLlmClient(config, undefined, cache),
};
