import { AIMessage, AIMessageChunk, HumanMessage } from '@langchain/core/messages';
import type { ChatGeneration } from '@langchain/core/outputs';
import { FakeListChatModel, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { type CacheApp, startCacheApp } from '../../../../../test/support/cache-app';
import { AIResponseCacheService } from '../../ai-response-cache.service';
import { AICacheContext } from '../../context/ai-cache.context';
import { LangChainAICache } from '../../langchain';

const LLM_CACHE = Symbol('LLM_CACHE');

describe('LangChainAICache with LangChain’s own fake chat models', () => {
  let app: CacheApp;
  let llmCache: LangChainAICache;

  beforeEach(async () => {
    // Built the Nest way: a provider of the LangChain cache, from the injected AIResponseCacheService.
    app = await startCacheApp([{ provide: LLM_CACHE, inject: [AIResponseCacheService], useFactory: (cache: AIResponseCacheService) => new LangChainAICache(cache) }]);
    llmCache = app.moduleRef.get(LLM_CACHE);
  });
  afterEach(() => app.close());

  const model = (responses = ['first answer', 'second answer', 'third answer']) => new FakeListChatModel({ responses, cache: llmCache });

  it('answers a second identical invoke from the cache: the next fake answer is not consumed', async () => {
    const chat = model();
    expect((await chat.invoke('What is a cache?')).content).toBe('first answer');
    expect((await chat.invoke('What is a cache?')).content).toBe('first answer');
    expect((await chat.invoke('Another question')).content).toBe('second answer');
    expect(chat.i).toBe(2);
    expect(app.monitor.getPerformanceStats()).toMatchObject({ cacheHits: 1, cacheMisses: 2 });
  });

  it('keys on the call options (the whole llmKey) and on the prompt', async () => {
    const chat = model();
    expect((await chat.invoke('Q')).content).toBe('first answer');
    // FakeListChatModel answers a call with stop sequences with the first one: a shared key would answer 'first answer'.
    expect((await chat.invoke('Q', { stop: ['halt'] })).content).toBe('halt');
    expect((await chat.invoke('Q', { stop: ['other'] })).content).toBe('other');
    expect((await chat.invoke([new HumanMessage('Q'), new AIMessage('A'), new HumanMessage('Q')])).content).toBe('second answer');
    expect((await chat.invoke('Q', { stop: ['halt'] })).content).toBe('halt');
    expect(app.monitor.getPerformanceStats()).toMatchObject({ cacheHits: 1, cacheMisses: 4 });

    // Another model (other identifying parameters, another _llmType) never shares an entry.
    const streaming = new FakeStreamingChatModel({ responses: [new AIMessage('streaming model')], cache: llmCache, sleep: 0 });
    expect((await streaming.invoke('Q')).content).toBe('streaming model');
  });

  it('round-trips the message with its tool calls and metadata, and the generationInfo', async () => {
    const toolCall = { id: 'call_1', name: 'get_weather', args: { city: 'Paris' }, type: 'tool_call' as const };
    const chat = new FakeStreamingChatModel({
      responses: [new AIMessage('')],
      chunks: [new AIMessageChunk({ content: 'Checking the weather.', tool_calls: [toolCall] })],
      cache: llmCache,
      sleep: 0,
    });
    const generate = jest.spyOn(chat, '_generate');
    const live = await chat.invoke('Weather in Paris?');
    const cached = await chat.invoke('Weather in Paris?');
    expect(generate).toHaveBeenCalledTimes(1);
    expect(cached).toBeInstanceOf(AIMessage);
    expect(cached.tool_calls).toEqual([toolCall]);
    expect(cached.content).toEqual(live.content);

    const generation: ChatGeneration = {
      text: 'Sunny',
      message: new AIMessage({ content: [{ type: 'text', text: 'Sunny' }], response_metadata: { model: 'm' }, additional_kwargs: { refusal: null }, id: 'msg-9' }),
      generationInfo: { finish_reason: 'stop', logprobs: { content: [] } },
    };
    await llmCache.update('prompt', 'llm-key', [generation]);
    const [replayed] = (await llmCache.lookup('prompt', 'llm-key')) as ChatGeneration[];
    expect(replayed.text).toBe('Sunny');
    expect(replayed.generationInfo).toEqual({ finish_reason: 'stop', logprobs: { content: [] } });
    expect(replayed.message).toBeInstanceOf(AIMessage);
    expect(replayed.message.toDict()).toEqual(generation.message.toDict());
  });

  it('never caches a failed call', async () => {
    const chat = model();
    await expect(chat.invoke('Q', { thrownErrorString: 'model down' })).rejects.toThrow('model down');
    await expect(chat.invoke('Q', { thrownErrorString: 'model down' })).rejects.toThrow('model down');
    expect(await app.cache.invalidateAll()).toBe(0);
  });

  it('keeps tenants apart through AICacheContext, and counts the outcomes there', async () => {
    const chat = model();
    const acme = await AICacheContext.run({ tenant: 'acme' }, async () => {
      await chat.invoke('Q');
      await chat.invoke('Q');
      return AICacheContext.outcome();
    });
    expect(acme).toEqual({ hits: 1, misses: 1, coalesced: 0, stale: 0, semantic: 0 });
    expect((await AICacheContext.run({ tenant: 'globex' }, () => chat.invoke('Q'))).content).toBe('second answer');
    expect((await chat.invoke('Q')).content).toBe('third answer');
  });

  it('honours noCache, noStore and forceRefresh from the context', async () => {
    const chat = model(['one', 'two', 'three', 'four', 'five']);
    await chat.invoke('Q');
    expect((await AICacheContext.run({ noCache: true }, () => chat.invoke('Q'))).content).toBe('two');
    expect((await chat.invoke('Q')).content).toBe('two');
    expect((await AICacheContext.run({ noStore: true }, () => chat.invoke('R'))).content).toBe('three');
    expect((await chat.invoke('R')).content).toBe('four');
    expect((await AICacheContext.run({ forceRefresh: true }, () => chat.invoke('Q'))).content).toBe('five');
    expect((await chat.invoke('Q')).content).toBe('five');
  });

  it('files entries under its operation with its TTL, without prompt text in keys; invalidateByOperation removes them', async () => {
    const writes = jest.spyOn(app.cache, 'cacheResponse');
    await model().invoke('A private prompt');
    const [request] = writes.mock.calls[0];
    expect(request).toMatchObject({ text: 'Human: A private prompt', operation: 'llm', options: { llmKey: expect.stringContaining('_type:"fake-list"') } });
    const key = app.cache.buildKey(request);
    expect(key).toMatch(/^ai:llm:[A-Za-z0-9_-]{43}$/);
    expect(await app.cache.exists(key)).toBe(true);

    const scoped = new LangChainAICache(app.cache, { operation: 'summarize', ttl: '10m' });
    await scoped.update('p', 'k', [{ text: 't' }]);
    expect(await app.cache.getTtl(app.cache.buildKey(LangChainAICache.request('p', 'k', 'summarize')))).toBe(600);

    expect(await app.cache.invalidateByOperation('llm')).toBe(1);
    expect(await scoped.lookup('p', 'k')).toEqual([{ text: 't' }]);
    const chat = model();
    expect((await chat.invoke('A private prompt')).content).toBe('first answer');
    expect(chat.i).toBe(1);
  });

  it('treats a foreign value under its key as a miss', async () => {
    await app.cache.cacheResponse(LangChainAICache.request('p', 'k'), { not: 'generations' });
    expect(await llmCache.lookup('p', 'k')).toBeNull();
    await app.cache.cacheResponse(LangChainAICache.request('p', 'k'), [{ text: 't', message: { type: 'no-such-type', data: { content: 'x' } } }]);
    expect(await llmCache.lookup('p', 'k')).toBeNull();
  });

  it('rejects a missing cache and a bad operation, naming them', () => {
    expect(() => new LangChainAICache(undefined as never)).toThrow(/LangChainAICache: cache must be the AIResponseCacheService/);
    expect(() => new LangChainAICache(app.cache, { operation: '' })).toThrow(/LangChainAICache: options.operation/);
  });
});

