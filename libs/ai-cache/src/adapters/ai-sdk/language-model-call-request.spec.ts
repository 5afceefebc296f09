import { CacheKeyBuilder } from '../../keys/cache-key.builder';
import type { LanguageModelCallOptions } from './ai-sdk.types';
import { languageModelCallRequest } from './language-model-call-request';

const keys = new CacheKeyBuilder({ textHashThreshold: 1000, textSizeTiers: { small: 500, medium: 5000, large: 50000 }, readableKeys: false });
const model = { provider: 'openai.chat', modelId: 'gpt-4o-mini' };
const prompt: LanguageModelCallOptions['prompt'] = [{ role: 'user', content: [{ type: 'text', text: 'My private question' }] }];
const keyOf = (params: Partial<LanguageModelCallOptions>, call: 'generate' | 'stream' = 'generate', on = model) =>
  keys.build(languageModelCallRequest(on, { prompt, ...params } as LanguageModelCallOptions, call, 'ai-sdk')).key;

describe('languageModelCallRequest', () => {
  it('keys the prompt as text and the model, the kind of call and the settings as options', () => {
    expect(languageModelCallRequest(model, { prompt, temperature: 0, abortSignal: new AbortController().signal, headers: { a: 'b' } }, 'stream', 'ai-sdk')).toEqual({
      text: '[{"role":"user","content":[{"type":"text","text":"My private question"}]}]',
      operation: 'ai-sdk',
      options: { temperature: 0, '@provider': 'openai.chat', '@modelId': 'gpt-4o-mini', '@call': 'stream' },
    });
  });

  it('gives distinct keys to distinct calls, and one key to calls differing in headers or signal only', () => {
    const variants = [
      keyOf({}),
      keyOf({}, 'stream'),
      keyOf({}, 'generate', { provider: 'anthropic.messages', modelId: 'gpt-4o-mini' }),
      keyOf({}, 'generate', { ...model, modelId: 'gpt-4o' }),
      keyOf({ prompt: [{ role: 'system', content: 'My private question' }] }),
      keyOf({ temperature: 1 }),
      keyOf({ maxOutputTokens: 5 }),
      keyOf({ seed: 2 }),
      keyOf({ topK: 3 }),
      keyOf({ responseFormat: { type: 'json' } }),
      keyOf({ toolChoice: { type: 'required' } }),
      keyOf({ tools: [{ type: 'function', name: 'f', inputSchema: { type: 'object' } }] }),
      keyOf({ providerOptions: { openai: { reasoningEffort: 'low' } } }),
      keyOf({ includeRawChunks: true }),
      keyOf({ prompt: [{ role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: new Uint8Array([1, 2]) }] }] }),
      keyOf({ prompt: [{ role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: new Uint8Array([1, 3]) }] }] }),
      keyOf({ prompt: [{ role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: new URL('https://example.com/a.png') }] }] }),
    ];
    expect(new Set(variants).size).toBe(variants.length);
    expect(keyOf({ headers: { 'x-trace': '1' }, abortSignal: AbortSignal.timeout(1000) })).toBe(keyOf({}));
    expect(keyOf({ temperature: undefined })).toBe(keyOf({}));
  });

  it('keeps user text out of keys', () => {
    expect(keyOf({})).toMatch(/^ai:ai-sdk:[A-Za-z0-9_-]{43}$/);
  });

  it('throws, naming the path, for a setting JSON cannot hold faithfully', () => {
    expect(() => keyOf({ providerOptions: { x: { fn: (() => 1) as never } } })).toThrow(/params\.providerOptions\.x\.fn/);
    expect(() => keyOf({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'x', providerOptions: { m: new Map() as never } }] }] })).toThrow(
      /params\.prompt\[0\]\.content\[0\]\.providerOptions\.m/,
    );
  });
});
