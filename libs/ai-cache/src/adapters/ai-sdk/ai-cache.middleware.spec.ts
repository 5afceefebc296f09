import { generateText, jsonSchema, type LanguageModelMiddleware, streamText, tool, wrapLanguageModel } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV3 } from 'ai/test';
import { type CacheApp, startCacheApp } from '../../../../../test/support/cache-app';
import { AIResponseCacheService } from '../../ai-response-cache.service';
import { aiCacheMiddleware } from '../../ai-sdk';
import { AICacheContext } from '../../context/ai-cache.context';
import type { LanguageModelGenerateResult, LanguageModelStreamPart } from './ai-sdk.types';
import { collect } from '../../streams/streams.spec-support';

const MIDDLEWARE = Symbol('MIDDLEWARE');
const TIMESTAMP = new Date('2025-03-04T05:06:07.000Z');
const usage = { inputTokens: { total: 7, noCache: 7, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 3, text: 3, reasoning: 0 } };

function generated(text: string, extra: Partial<LanguageModelGenerateResult> = {}): LanguageModelGenerateResult {
  return {
    content: [{ type: 'text', text }],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage,
    warnings: [],
    response: { id: 'resp-1', timestamp: TIMESTAMP, modelId: 'mock-model-v1' },
    ...extra,
  };
}

function parts(pieces: string[], { finish = true, error = false } = {}): LanguageModelStreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', id: 'resp-1', timestamp: TIMESTAMP, modelId: 'mock-model-v1' },
    { type: 'text-start', id: 't1' },
    ...pieces.map((delta): LanguageModelStreamPart => ({ type: 'text-delta', id: 't1', delta })),
    ...(error ? [{ type: 'error', error: new Error('provider overloaded') } as LanguageModelStreamPart] : []),
    { type: 'text-end', id: 't1' },
    ...(finish ? [{ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage } as LanguageModelStreamPart] : []),
  ];
}

async function read<T>(stream: ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return items;
    items.push(value);
  }
}

describe('aiCacheMiddleware with the AI SDK’s MockLanguageModelV3', () => {
  let app: CacheApp;
  let middleware: LanguageModelMiddleware;
  let streamed: LanguageModelStreamPart[];

  beforeEach(async () => {
    // Built the Nest way: a provider of the middleware, from the injected AIResponseCacheService.
    app = await startCacheApp([{ provide: MIDDLEWARE, inject: [AIResponseCacheService], useFactory: (cache: AIResponseCacheService) => aiCacheMiddleware(cache) }]);
    middleware = app.moduleRef.get(MIDDLEWARE);
    streamed = parts(['Hello', ', ', 'world']);
  });
  afterEach(() => app.close());

  function mock(options: { modelId?: string; result?: () => LanguageModelGenerateResult } = {}) {
    return new MockLanguageModelV3({
      modelId: options.modelId ?? 'mock-model',
      doGenerate: async () => (options.result ?? (() => generated('Hello, world')))(),
      doStream: async () => ({ stream: convertArrayToReadableStream(streamed), response: { headers: { 'x-request-id': 'r-1' } } }),
    });
  }
  const wrap = (model: MockLanguageModelV3) => wrapLanguageModel({ model, middleware });

  it('caches generateText: the second call does not reach the model and returns the same result, Dates included', async () => {
    const model = mock();
    const first = await generateText({ model: wrap(model), prompt: 'Say hello' });
    const second = await generateText({ model: wrap(model), prompt: 'Say hello' });
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(second.text).toBe('Hello, world');
    expect(second.response.timestamp).toBeInstanceOf(Date);
    expect(second.response).toEqual(first.response);
    expect(second.usage).toEqual(first.usage);
    expect(second.finishReason).toBe(first.finishReason);
  });

  it('keys on the model and every call option that changes the answer, not on headers or the abort signal', async () => {
    const model = mock();
    const calls: Array<Parameters<typeof generateText>[0]> = [
      { model: wrap(model), prompt: 'Q' },
      { model: wrap(model), prompt: 'Q2' },
      { model: wrap(model), system: 'Be terse.', prompt: 'Q' },
      { model: wrap(model), prompt: 'Q', temperature: 0.5 },
      { model: wrap(model), prompt: 'Q', maxOutputTokens: 10 },
      { model: wrap(model), prompt: 'Q', seed: 1 },
      { model: wrap(model), prompt: 'Q', topP: 0.1 },
      { model: wrap(model), prompt: 'Q', stopSequences: ['.'] },
      { model: wrap(model), prompt: 'Q', providerOptions: { mock: { reasoning: 'high' } } },
      { model: wrap(model), prompt: 'Q', tools: { weather: tool({ description: 'Weather', inputSchema: jsonSchema({ type: 'object', properties: {} }) }) } },
      {
        model: wrap(model),
        prompt: 'Q',
        tools: { weather: tool({ description: 'Weather', inputSchema: jsonSchema({ type: 'object', properties: {} }) }) },
        toolChoice: 'none',
      },
      { model: wrap(mock({ modelId: 'other-model' })), prompt: 'Q' },
    ];
    for (const call of calls) await generateText(call);
    expect(model.doGenerateCalls).toHaveLength(calls.length - 1);

    await generateText({ model: wrap(model), prompt: 'Q', headers: { 'x-trace': 'abc' }, abortSignal: new AbortController().signal });
    await generateText({ model: wrap(model), prompt: 'Q', temperature: 0.5 });
    expect(model.doGenerateCalls).toHaveLength(calls.length - 1);
  });

  it('restores generated files as bytes', async () => {
    const model = mock({
      result: () => generated('', { content: [{ type: 'file', mediaType: 'image/png', data: new Uint8Array([137, 80, 78, 71]) }] }),
    });
    await generateText({ model: wrap(model), prompt: 'Draw' });
    const replay = await generateText({ model: wrap(model), prompt: 'Draw' });
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(replay.files[0].uint8Array).toEqual(new Uint8Array([137, 80, 78, 71]));
    expect(replay.files[0].mediaType).toBe('image/png');
  });

  it('caches streamText: the replay emits the same stream parts, and the model stream is read once', async () => {
    const model = mock();
    const live = await collect(streamText({ model: wrap(model), prompt: 'Say hello' }).fullStream);
    const replay = await collect(streamText({ model: wrap(model), prompt: 'Say hello' }).fullStream);
    expect(model.doStreamCalls).toHaveLength(1);
    expect(replay).toEqual(live);
    expect(replay.filter((part) => part.type === 'text-delta').map((part) => part.text).join('')).toBe('Hello, world');

    // At the model level, the replayed parts are the model's, Dates restored, with the result beside the stream.
    const wrapped = wrap(model);
    const { stream, response } = await wrapped.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }], includeRawChunks: false });
    expect(response).toEqual({ headers: { 'x-request-id': 'r-1' } });
    expect(await read(stream)).toEqual(streamed);
    expect(model.doStreamCalls).toHaveLength(1);
  });

  it('shares one model call among identical concurrent calls, generate and stream', async () => {
    const model = mock();
    const texts = await Promise.all(Array.from({ length: 4 }, () => generateText({ model: wrap(model), prompt: 'Same' }).then((r) => r.text)));
    const streams = await Promise.all(Array.from({ length: 4 }, () => streamText({ model: wrap(model), prompt: 'Same' }).text));
    expect(texts).toEqual(Array(4).fill('Hello, world'));
    expect(streams).toEqual(Array(4).fill('Hello, world'));
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(model.doStreamCalls).toHaveLength(1);
  });

  it('never caches an error: a throw, a finish reason of error, an error part, a stream without finish, a stream left early', async () => {
    let fail = true;
    const model = mock({ result: () => (fail ? failWith('model down') : generated('recovered')) });
    await expect(generateText({ model: wrap(model), prompt: 'Q', maxRetries: 0 })).rejects.toThrow('model down');
    fail = false;
    expect((await generateText({ model: wrap(model), prompt: 'Q' })).text).toBe('recovered');

    const erroring = mock({ result: () => generated('partial', { finishReason: { unified: 'error', raw: 'error' } }) });
    await generateText({ model: wrap(erroring), prompt: 'E' });
    await generateText({ model: wrap(erroring), prompt: 'E' });
    expect(erroring.doGenerateCalls).toHaveLength(2);

    const broken = mock();
    for (const replay of [parts(['a'], { error: true }), parts(['a'], { finish: false })]) {
      streamed = replay;
      await collect(streamText({ model: wrap(broken), prompt: 'S', onError: () => undefined }).fullStream);
    }
    // Left early: streamText reads the model's stream to its end whatever its reader does, so this is
    // what a reader that cancels the model's stream (an aborted request) does.
    streamed = parts(['a', 'b', 'c']);
    const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'S' }] }];
    const { stream } = await wrap(broken).doStream({ prompt, includeRawChunks: false });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(await app.cache.invalidateByOperation('ai-sdk')).toBe(1); // only the recovered generate result
    expect(await streamText({ model: wrap(broken), prompt: 'S' }).text).toBe('abc');
    expect(await streamText({ model: wrap(broken), prompt: 'S' }).text).toBe('abc');
    expect(broken.doStreamCalls).toHaveLength(4);
  });

  it('keeps tenants apart through AICacheContext, counts outcomes there, and invalidateByOperation removes its entries', async () => {
    const model = mock();
    const acme = await AICacheContext.run({ tenant: 'acme' }, async () => {
      await generateText({ model: wrap(model), prompt: 'Q' });
      await streamText({ model: wrap(model), prompt: 'Q' }).text;
      await generateText({ model: wrap(model), prompt: 'Q' });
      await streamText({ model: wrap(model), prompt: 'Q' }).text;
      return AICacheContext.outcome();
    });
    expect(acme).toEqual({ hits: 2, misses: 2, coalesced: 0, stale: 0, semantic: 0 });
    await AICacheContext.run({ tenant: 'globex' }, () => generateText({ model: wrap(model), prompt: 'Q' }));
    expect(model.doGenerateCalls).toHaveLength(2);

    expect(await app.cache.invalidateByOperation('ai-sdk')).toBe(3);
    await AICacheContext.run({ tenant: 'acme' }, () => generateText({ model: wrap(model), prompt: 'Q' }));
    expect(model.doGenerateCalls).toHaveLength(3);
  });

  it('files entries under its operation with its TTL', async () => {
    const writes = jest.spyOn(app.cache, 'getOrComputeWithStatus');
    const model = mock();
    await generateText({ model: wrapLanguageModel({ model, middleware: aiCacheMiddleware(app.cache, { operation: 'summarize', ttl: '5m' }) }), prompt: 'A private prompt' });
    const key = app.cache.buildKey(writes.mock.calls[0][0]);
    expect(key).toMatch(/^ai:summarize:[A-Za-z0-9_-]{43}$/);
    expect(await app.cache.getTtl(key)).toBe(300);
  });

  it('rejects a missing cache and bad options, naming them', () => {
    expect(() => aiCacheMiddleware(undefined as never)).toThrow(/aiCacheMiddleware: cache must be the AIResponseCacheService/);
    expect(() => aiCacheMiddleware(app.cache, { operation: 'ai sdk' })).toThrow(/aiCacheMiddleware: options.operation/);
    expect(() => aiCacheMiddleware(app.cache, { ttl: 'never' })).toThrow(/aiCacheMiddleware options.ttl/);
  });
});

function failWith(message: string): never {
  throw new Error(message);
}
