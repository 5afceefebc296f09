import { CacheKeyBuilder } from '../../keys/cache-key.builder';
import { canonicalJson } from '../../keys/canonical-json';
import { CHAT_PARAMS_LEFT_OUT_OF_KEY, chatCompletionRequest } from './chat-completion-request';

const keys = new CacheKeyBuilder({ textHashThreshold: 1000, textSizeTiers: { small: 500, medium: 5000, large: 50000 }, readableKeys: false });
const keyOf = (params: object, operation?: string, baseURL?: string) => keys.build(chatCompletionRequest(params, operation, { baseURL })).key;

const base = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Private question about my health' }], temperature: 0 };

describe('chatCompletionRequest', () => {
  it('maps the messages to the text and every other parameter to options', () => {
    expect(chatCompletionRequest({ ...base, seed: 3, user: 'u1' })).toEqual({
      text: '[{"content":"Private question about my health","role":"user"}]',
      operation: 'chat',
      options: { model: 'gpt-4o-mini', temperature: 0, seed: 3 },
    });
    expect(chatCompletionRequest(base, 'qa', { baseURL: 'http://127.0.0.1:1/v1' })).toMatchObject({
      operation: 'qa',
      options: { model: 'gpt-4o-mini', '@baseURL': 'http://127.0.0.1:1/v1' },
    });
  });

  it('gives a different key to every parameter that can change the answer, new ones included', () => {
    const variants: object[] = [
      { ...base, model: 'gpt-4o' },
      { ...base, temperature: 0.7 },
      { ...base, temperature: null },
      { ...base, messages: [{ role: 'user', content: 'Another question' }] },
      { ...base, messages: [{ role: 'system', content: 'Private question about my health' }] },
      { ...base, tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }] },
      { ...base, tool_choice: 'required' },
      { ...base, response_format: { type: 'json_object' } },
      { ...base, seed: 1 },
      { ...base, n: 2 },
      { ...base, top_p: 0.5 },
      { ...base, max_tokens: 10 },
      { ...base, max_completion_tokens: 10 },
      { ...base, stop: ['\n'] },
      { ...base, logprobs: true },
      { ...base, frequency_penalty: 1 },
      { ...base, presence_penalty: 1 },
      { ...base, logit_bias: { 50256: -100 } },
      { ...base, reasoning_effort: 'low' },
      { ...base, service_tier: 'flex' },
      { ...base, stream: true },
      { ...base, stream: true, stream_options: { include_usage: true } },
      { ...base, a_parameter_added_next_year: 'on' },
    ];
    const all = [keyOf(base), ...variants.map((params) => keyOf(params)), keyOf(base, 'chat', 'http://other-server/v1'), keyOf(base, 'summarize')];
    expect(new Set(all).size).toBe(all.length);
  });

  it('leaves out what does not change the answer, and ignores key order and stream: false', () => {
    expect([...CHAT_PARAMS_LEFT_OUT_OF_KEY].sort()).toEqual(
      ['metadata', 'prompt_cache_key', 'prompt_cache_options', 'prompt_cache_retention', 'safety_identifier', 'store', 'user'].sort(),
    );
    const same = [
      { ...base, user: 'someone', safety_identifier: 'hash', store: true, metadata: { run: '1' }, prompt_cache_key: 'k', prompt_cache_retention: '24h' },
      { temperature: 0, messages: [{ content: 'Private question about my health', role: 'user' }], model: 'gpt-4o-mini' },
      { ...base, stream: false },
      { ...base, stream: null },
    ];
    for (const params of same) expect(keyOf(params)).toBe(keyOf(base));
  });

  it('writes the messages as canonicalJson would, message by message', () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'a"b' }], name: undefined }, undefined, { content: 'é', role: 'assistant' }];
    expect(chatCompletionRequest({ ...base, messages }).text).toBe(canonicalJson(messages));
  });

  it('builds keys without any of the user text', () => {
    const key = keyOf(base);
    expect(key).toMatch(/^ai:chat:[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain('health');
  });

  it('rejects params that are not a create() body, naming what is wrong', () => {
    expect(() => chatCompletionRequest('hi' as never)).toThrow(/params must be the object passed to chat.completions.create\(\), got the string "hi"/);
    expect(() => chatCompletionRequest({ model: 'm' })).toThrow(/params.messages must be an array, got undefined/);
    expect(() => chatCompletionRequest({ ...base, messages: [{ role: 'user', content: () => 1 }] })).toThrow(/params\.messages\[0\]\.content/);
    expect(() => chatCompletionRequest({ ...base, tools: [{ type: 'function', function: { name: 'f', parameters: new Map() } }] })).toThrow(/params\.tools/);
  });
});
