import { DEFAULT_FAKE_LATENCY_MS, DEFAULT_LLM_MODEL, DEFAULT_LLM_TIMEOUT_MS, parseLlmConfig } from './llm.config';

describe('parseLlmConfig', () => {
  it('defaults to the fake model with its default latency when nothing is set', () => {
    expect(parseLlmConfig({})).toEqual({
      baseUrl: undefined,
      apiKey: undefined,
      model: DEFAULT_LLM_MODEL,
      timeoutMs: DEFAULT_LLM_TIMEOUT_MS,
      fakeLatencyMs: DEFAULT_FAKE_LATENCY_MS,
    });
  });

  it('reads every variable, trimming the base URL of trailing slashes', () => {
    expect(
      parseLlmConfig({
        LLM_BASE_URL: 'http://127.0.0.1:8080/v1/',
        LLM_API_KEY: 'sk-test',
        LLM_MODEL: 'llama3',
        LLM_TIMEOUT_MS: '1500',
        LLM_FAKE_LATENCY_MS: '0',
      }),
    ).toEqual({ baseUrl: 'http://127.0.0.1:8080/v1', apiKey: 'sk-test', model: 'llama3', timeoutMs: 1500, fakeLatencyMs: 0 });
  });

  it('treats blank variables as unset', () => {
    expect(parseLlmConfig({ LLM_BASE_URL: '  ', LLM_MODEL: '', LLM_FAKE_LATENCY_MS: ' ' })).toMatchObject({
      baseUrl: undefined,
      model: DEFAULT_LLM_MODEL,
      fakeLatencyMs: DEFAULT_FAKE_LATENCY_MS,
    });
  });

  it.each([
    [{ LLM_FAKE_LATENCY_MS: '-1' }, /LLM_FAKE_LATENCY_MS/],
    [{ LLM_FAKE_LATENCY_MS: 'fast' }, /LLM_FAKE_LATENCY_MS/],
    [{ LLM_TIMEOUT_MS: '0' }, /LLM_TIMEOUT_MS/],
    [{ LLM_TIMEOUT_MS: '2.5' }, /LLM_TIMEOUT_MS/],
    [{ LLM_BASE_URL: 'localhost:8080' }, /LLM_BASE_URL/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => parseLlmConfig(env)).toThrow(message);
  });
});
