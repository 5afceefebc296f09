import type { ServerResponse } from 'node:http';
import { AIMessage } from '@langchain/core/messages';
import type { ChatGeneration } from '@langchain/core/outputs';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV3 } from 'ai/test';
import Redis from 'ioredis';
import OpenAI from 'openai';
import { aiCacheMiddleware } from '@app/ai-cache/ai-sdk';
import { LangChainAICache } from '@app/ai-cache/langchain';
import { withAICache } from '@app/ai-cache/openai';
import { type CacheApp, startCacheApp } from './support/cache-app';
import { chatChunks, chatCompletion, replyJson, replySse } from './support/chat-completions-stub';
import { type JsonStubServer, type RecordedRequest, startJsonStubServer } from './support/json-stub-server';
import { type RedisServer, scanAllKeys, startRedis, stopAllRedisServers } from './support/redis-harness';

/**
 * The three adapters on the Redis driver with L1 off: every hit is read back from Redis bytes
 * (compressed above 64 bytes), so what each adapter stores must survive the codec and come back
 * with its SDK types (Dates, AIMessage with tool calls, SDK Streams).
 */
describe('framework adapters on the Redis driver (L1 off, compressed entries)', () => {
  let redis: RedisServer;
  let app: CacheApp;
  let stub: JsonStubServer;
  let requests: RecordedRequest[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    stub = await startJsonStubServer((recorded, res: ServerResponse) => {
      requests.push(recorded);
      void (recorded.body.stream ? replySse(res, chatChunks(['Bl', 'ue'])) : replyJson(res, 200, chatCompletion('Blue')));
    });
  });
  afterAll(async () => {
    await stub.close();
    await stopAllRedisServers();
  });

  beforeEach(async () => {
    requests = [];
    app = await startCacheApp([], {
      redis: { url: redis.url },
      namespace: `adapters_${process.pid}_${Date.now()}`,
      memoryCacheSize: 0,
      compressionThreshold: 64,
    });
  });
  afterEach(() => app?.close());

  it('LangChain: a second invoke is answered from Redis, the message rebuilt with its tool calls', async () => {
    const llmCache = new LangChainAICache(app.cache);
    const chat = new FakeListChatModel({ responses: ['from the model', 'next answer'], cache: llmCache });
    expect((await chat.invoke('Q')).content).toBe('from the model');
    expect((await chat.invoke('Q')).content).toBe('from the model');
    expect(chat.i).toBe(1);

    const generation: ChatGeneration = {
      text: '',
      message: new AIMessage({ content: '', tool_calls: [{ id: 'c1', name: 'lookup', args: { q: 'redis' }, type: 'tool_call' }] }),
      generationInfo: { finish_reason: 'tool_calls' },
    };
    await llmCache.update('p', 'k', [generation]);
    const [back] = (await llmCache.lookup('p', 'k')) as ChatGeneration[];
    expect(back.message).toBeInstanceOf(AIMessage);
    expect((back.message as AIMessage).tool_calls).toEqual([{ id: 'c1', name: 'lookup', args: { q: 'redis' }, type: 'tool_call' }]);
    expect(back.generationInfo).toEqual({ finish_reason: 'tool_calls' });
  });

  it('AI SDK: generateText and streamText replay from Redis identically, Dates restored', async () => {
    const timestamp = new Date('2025-06-07T08:09:10.000Z');
    const usage = { inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 2, text: 2, reasoning: 0 } };
    const model = new MockLanguageModelV3({
      doGenerate: async () => ({
        content: [{ type: 'text', text: 'generated' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage,
        warnings: [],
        response: { id: 'r', timestamp, modelId: 'm' },
      }),
      doStream: async () => ({
        stream: convertArrayToReadableStream([
          { type: 'response-metadata', id: 'r', timestamp, modelId: 'm' },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'str' },
          { type: 'text-delta', id: 't', delta: 'eamed' },
          { type: 'text-end', id: 't' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
        ]),
      }),
    });
    const wrapped = wrapLanguageModel({ model, middleware: aiCacheMiddleware(app.cache) });
    const first = await generateText({ model: wrapped, prompt: 'Q' });
    const second = await generateText({ model: wrapped, prompt: 'Q' });
    expect(second.response.timestamp).toEqual(timestamp);
    expect(second.response).toEqual(first.response);
    const live = [];
    for await (const part of streamText({ model: wrapped, prompt: 'Q' }).fullStream) live.push(part);
    const replay = [];
    for await (const part of streamText({ model: wrapped, prompt: 'Q' }).fullStream) replay.push(part);
    expect(replay).toEqual(live);
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(model.doStreamCalls).toHaveLength(1);
  });

  it('openai: plain and streamed calls replay from Redis, under keys without the user text', async () => {
    const openai = withAICache(new OpenAI({ apiKey: 'k', baseURL: `${stub.url}/v1`, maxRetries: 0 }), app.cache);
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'What colour is the sky? (a secret question)' }] };
    const plain = await openai.chat.completions.create(params);
    expect(await openai.chat.completions.create(params)).toEqual(plain);
    const chunks = [];
    for await (const chunk of await openai.chat.completions.create({ ...params, stream: true })) chunks.push(chunk);
    const replayed = [];
    for await (const chunk of await openai.chat.completions.create({ ...params, stream: true })) replayed.push(chunk);
    expect(replayed).toEqual(chunks);
    expect(requests).toHaveLength(2);

    const client = new Redis(redis.url);
    try {
      const keys = (await scanAllKeys(client)).filter((key) => key.includes(':ai:chat:'));
      expect(keys).toHaveLength(2);
      expect(keys.some((key) => key.includes('secret') || key.includes('sky'))).toBe(false);
    } finally {
      client.disconnect();
    }
  });
});
