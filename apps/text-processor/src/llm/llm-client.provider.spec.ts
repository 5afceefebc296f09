import { Logger } from '@nestjs/common';
import { FakeLlmClient } from './fake/fake-llm.client';
import { parseLlmConfig } from './llm.config';
import { createLlmClient } from './llm-client.provider';
import { OpenAiCompatibleLlmClient } from './openai/openai-compatible-llm.client';

describe('createLlmClient', () => {
  let logger: Logger;
  let logged: string[];

  beforeEach(() => {
    logged = [];
    logger = new Logger('test');
    jest.spyOn(logger, 'log').mockImplementation((message: unknown) => void logged.push(String(message)));
  });

  it('uses the fake model when no base URL is configured', () => {
    const client = createLlmClient(parseLlmConfig({ LLM_FAKE_LATENCY_MS: '20' }), logger);
    expect(client).toBeInstanceOf(FakeLlmClient);
    expect(logged).toEqual([expect.stringContaining('fake model (20 ms')]);
  });

  it('uses the OpenAI-compatible client when LLM_BASE_URL is set, without logging the key', () => {
    const config = parseLlmConfig({ LLM_BASE_URL: 'http://127.0.0.1:1/v1', LLM_API_KEY: 'sk-secret', LLM_MODEL: 'm1' });
    const client = createLlmClient(config, logger);
    expect(client).toBeInstanceOf(OpenAiCompatibleLlmClient);
    expect(logged).toEqual([expect.stringContaining('"m1" at http://127.0.0.1:1/v1')]);
    expect(logged.join('')).not.toContain('sk-secret');
  });
});
