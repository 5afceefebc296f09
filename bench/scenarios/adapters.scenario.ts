/**
 * The framework adapters on a hit, each against a direct `getCachedResponse()` of the same entry,
 * two ways: with the request mapped from the SDK's call on each call by the adapter's own public
 * mapper (`chatCompletionRequest`, `languageModelCallRequest`, `LangChainAICache.request`), which
 * is what calling the cache by hand for that call costs (the target's peer), and with the request
 * built once (the lookup alone: the difference is what keying the conversation costs). What the
 * adapter adds over the first (reading the context, the SDK's call shape, turning the stored value
 * back into the SDK's types) must stay small.
 *
 * Memory driver, and Redis with L1 off (every hit a round trip). The adapters are built the way
 * users build them, on the real SDK types (an AIMessage for LangChain, a V3 generate result for the
 * AI SDK, a ChatCompletion for openai); only the upstream model is a stand-in, and a hit never calls
 * it. The AI SDK middleware is called as `wrapLanguageModel` calls it (its `wrapGenerate`), so that
 * the AI SDK's own plumbing, the same for every middleware, is not counted as ours.
 */
import { AIMessage } from '@langchain/core/messages';
import { wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type OpenAI from 'openai';
import type { AIRequest, AIResponseCacheService, CacheModuleOptions } from '../../libs/ai-cache/src';
import { aiCacheMiddleware, languageModelCallRequest } from '../../libs/ai-cache/src/ai-sdk';
import { LangChainAICache } from '../../libs/ai-cache/src/langchain';
import { chatCompletionRequest, withAICache } from '../../libs/ai-cache/src/openai';
import type { BenchContext } from '../support/bench-context';
import { createOurCache } from '../support/contexts';
import { aiRequest, aiResponse } from '../support/fixtures';
import { notRun, runScenario, type ScenarioResult } from '../support/scenario';

/** Distinct entries each contender cycles through. */
const ENTRIES = 64;
const BASELINE = 'direct getCachedResponse(), request mapped per call';
const LOOKUP_ONLY = 'direct getCachedResponse(), request built once';

interface AdapterUnderTest {
  /** Calls the adapter once per entry: the first time, its miss path fills the cache. */
  populate(): Promise<void>;
  /** How many times the stand-in model was called. */
  modelCalls(): number;
  /** One hit through the adapter. */
  hit(i: number): PromiseLike<unknown>;
  /** The request the adapter files entry `i` under, mapped from the call by the adapter's public mapper. */
  mapRequest(i: number): AIRequest;
}

type AdapterFactory = (cache: AIResponseCacheService) => AdapterUnderTest;

const summary = (i: number) => String(aiResponse(i).summary);
const userText = (i: number) => aiRequest(i, 7).text;

const openaiAdapter: AdapterFactory = (cache) => {
  let modelCalls = 0;
  const baseURL = 'http://127.0.0.1:9/v1';
  const upstream = {
    baseURL,
    chat: { completions: { create: async (body: ChatCompletionCreateParamsNonStreaming) => (modelCalls++, completion(body)) } },
  };
  const cached = withAICache(upstream as unknown as OpenAI, cache);
  const params = Array.from({ length: ENTRIES }, (_, i): ChatCompletionCreateParamsNonStreaming => ({
    model: 'gpt-4o-mini',
    temperature: 0,
    messages: [
      { role: 'system', content: 'You summarize texts. Reply with the summary only.' },
      { role: 'user', content: userText(i) },
    ],
  }));
  return {
    populate: async () => {
      for (const body of params) await cached.chat.completions.create(body);
    },
    modelCalls: () => modelCalls,
    hit: (i) => cached.chat.completions.create(params[i % ENTRIES]),
    mapRequest: (i) => chatCompletionRequest(params[i % ENTRIES], 'chat', { baseURL }),
  };
};

const langchainAdapter: AdapterFactory = (cache) => {
  const llmCache = new LangChainAICache(cache);
  const llmKey = '_model:"base_chat_model",_type:"openai",model:"gpt-4o-mini",n:1,stream:false,temperature:0';
  const prompts = Array.from({ length: ENTRIES }, (_, i) => `System: You summarize texts.\nHuman: ${userText(i)}`);
  let modelCalls = 0;
  return {
    populate: async () => {
      for (const [i, prompt] of prompts.entries()) {
        if ((await llmCache.lookup(prompt, llmKey)) !== null) continue;
        modelCalls++;
        const message = new AIMessage({
          content: summary(i),
          response_metadata: { model_name: 'gpt-4o-mini-2024-07-18', finish_reason: 'stop' },
          usage_metadata: { input_tokens: 412, output_tokens: 268, total_tokens: 680 },
          id: `chatcmpl-${i}`,
        });
        await llmCache.update(prompt, llmKey, [{ text: summary(i), message, generationInfo: { finish_reason: 'stop' } } as never]);
      }
    },
    modelCalls: () => modelCalls,
    hit: (i) => llmCache.lookup(prompts[i % ENTRIES], llmKey),
    mapRequest: (i) => LangChainAICache.request(prompts[i % ENTRIES], llmKey),
  };
};

const aiSdkAdapter: AdapterFactory = (cache) => {
  let modelCalls = 0;
  const model = new MockLanguageModelV3({
    provider: 'openai.chat',
    modelId: 'gpt-4o-mini',
    doGenerate: async () => ({
      content: [{ type: 'text', text: summary(modelCalls++) }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: { total: 412, noCache: 412, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 268, text: 268, reasoning: 0 } },
      warnings: [],
      response: { id: 'resp', timestamp: new Date(1_717_171_717_000), modelId: 'gpt-4o-mini-2024-07-18' },
    }),
  });
  const middleware = aiCacheMiddleware(cache);
  const wrapped = wrapLanguageModel({ model, middleware });
  const wrapGenerate = middleware.wrapGenerate as NonNullable<typeof middleware.wrapGenerate>;
  const unused = () => Promise.reject(new Error('a hit never calls the model'));
  const params = Array.from({ length: ENTRIES }, (_, i) => ({
    prompt: [
      { role: 'system' as const, content: 'You summarize texts.' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: userText(i) }] },
    ],
    temperature: 0,
  }));
  return {
    populate: async () => {
      for (const call of params) await wrapped.doGenerate(call);
    },
    modelCalls: () => modelCalls,
    hit: (i) => wrapGenerate({ doGenerate: unused, doStream: unused, params: params[i % ENTRIES], model }),
    mapRequest: (i) => languageModelCallRequest(model, params[i % ENTRIES], 'generate', 'ai-sdk'),
  };
};

const ADAPTERS: Array<{ id: string; name: string; factory: AdapterFactory }> = [
  { id: 'openai', name: 'withAICache chat.completions.create()', factory: openaiAdapter },
  { id: 'langchain', name: 'LangChainAICache.lookup()', factory: langchainAdapter },
  { id: 'ai-sdk', name: 'aiCacheMiddleware wrapGenerate()', factory: aiSdkAdapter },
];

export async function adapterScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const drivers: Array<{ label: string; suffix: string; options: CacheModuleOptions }> = [
    { label: 'memory', suffix: '', options: { driver: 'memory' } },
    { label: 'Redis, L1 off', suffix: '.redis', options: { driver: 'redis', redis: { url: ctx.redis.url }, namespace: 'bench_adapters', memoryCacheSize: 0 } },
  ];
  const results: ScenarioResult[] = [];
  for (const driver of drivers) {
    const ours = await createOurCache(driver.options);
    try {
      for (const adapter of ADAPTERS) {
        const spec = {
          id: `adapters.${adapter.id}.hit${driver.suffix}`,
          group: 'adapters',
          title: `${adapter.id} adapter hit vs direct getCachedResponse() (${driver.label})`,
          unit: 'ops/s',
          higherIsBetter: true,
        } as const;
        const underTest = adapter.factory(ours.cache);
        await underTest.populate();
        await underTest.populate();
        const requests = Array.from({ length: ENTRIES }, (_, i) => underTest.mapRequest(i));
        const direct = await Promise.all(requests.map((request) => ours.cache.getCachedResponse(request)));
        if (underTest.modelCalls() !== ENTRIES || direct.some((found) => found === undefined)) {
          const reason = `the adapter did not hit its own entries (${underTest.modelCalls()} model calls for 2 × ${ENTRIES} calls, ${direct.filter(Boolean).length} entries found)`;
          results.push(notRun(spec, 'error', reason));
          continue;
        }
        ctx.log(`adapters: ${adapter.id} hit (${driver.label})`);
        results.push(
          await runScenario(
            {
              ...spec,
              contenders: [
                { name: adapter.name, kind: 'ours', op: (i) => underTest.hit(i) },
                { name: BASELINE, kind: 'baseline', op: (i) => ours.cache.getCachedResponse(underTest.mapRequest(i)) },
                { name: LOOKUP_ONLY, kind: 'baseline', op: (i) => ours.cache.getCachedResponse(requests[i % ENTRIES]) },
              ],
            },
            ctx.reps,
            ctx.repMsScale,
          ),
        );
      }
    } finally {
      await ours.app.close();
    }
  }
  return results;
}

function completion(body: ChatCompletionCreateParamsNonStreaming): ChatCompletion {
  const text = String(body.messages.at(-1)?.content ?? '');
  return {
    id: `chatcmpl-${text.length}`,
    object: 'chat.completion',
    created: 1_717_171_717,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: summary(text.length), refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 412, completion_tokens: 268, total_tokens: 680 },
  };
}
