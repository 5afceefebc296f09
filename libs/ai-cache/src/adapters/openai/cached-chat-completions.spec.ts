import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { Stream } from 'openai/streaming';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { type CacheApp, startCacheApp } from '../../../../../test/support/cache-app';
import { chatChunks, chatCompletion, replyJson, replySse } from '../../../../../test/support/chat-completions-stub';
import { type JsonStubServer, type RecordedRequest, startJsonStubServer } from '../../../../../test/support/json-stub-server';
import { AIResponseCacheService } from '../../ai-response-cache.service';
import { AICacheContext } from '../../context/ai-cache.context';
import { type AICachedOpenAI, chatCompletionRequest, withAICache } from '../../openai';
import { collect } from '../../streams/streams.spec-support';

const AI_CLIENT = Symbol('AI_CLIENT');
const messages = [
  { role: 'system' as const, content: 'Answer in one word.' },
  { role: 'user' as const, content: 'What colour is the sky?' },
];
const plain = { model: 'gpt-4o-mini', messages, temperature: 0 };
const streamed = { ...plain, stream: true as const };

/** Reads a `toReadableStream()` (newline-separated JSON) back into chunks. */
async function readNdjson(stream: ReadableStream<Uint8Array>): Promise<unknown[]> {
  const text = await new Response(stream).text();
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

describe('nestjs-ai-cache/openai with the real openai SDK against a loopback Chat Completions server', () => {
  let stub: JsonStubServer;
  let requests: RecordedRequest[];
  let reply: (res: ServerResponse, request: RecordedRequest) => void | Promise<void>;
  let app: CacheApp;
  let openai: AICachedOpenAI;

  beforeAll(async () => {
    stub = await startJsonStubServer((recorded, res) => {
      requests.push(recorded);
      void reply(res, recorded);
    });
  });
  afterAll(() => stub.close());

  beforeEach(async () => {
    requests = [];
    reply = (res, request) =>
      request.body.stream ? replySse(res, chatChunks(['Bl', 'ue'], { usage: request.body.stream_options?.include_usage })) : replyJson(res, 200, chatCompletion('Blue'));
    // Built the Nest way: a provider of the wrapped client, from the injected AIResponseCacheService.
    app = await startCacheApp([
      {
        provide: AI_CLIENT,
        inject: [AIResponseCacheService],
        useFactory: (cache: AIResponseCacheService) => withAICache(new OpenAI({ apiKey: 'sk-test', baseURL: `${stub.url}/v1`, maxRetries: 0 }), cache),
      },
    ]);
    openai = app.moduleRef.get(AI_CLIENT);
  });
  afterEach(() => app.close());

  it('answers a plain call from the model once, then from the cache, identically', async () => {
    const first = await openai.chat.completions.create(plain);
    const second = await openai.chat.completions.create(plain);
    expect(first.choices[0].message.content).toBe('Blue');
    expect(second).toEqual(first);
    expect(requests).toHaveLength(1);
    expect(app.monitor.getPerformanceStats()).toMatchObject({ cacheHits: 1, cacheMisses: 1 });
    expect(requests[0].body).toEqual(plain);
    expect(await app.cache.getCachedResponse(chatCompletionRequest(plain, 'chat', { baseURL: `${stub.url}/v1` }))).toMatchObject({
      response: first,
    });
  });

  it('keys on every parameter that changes the answer, and not on user, store or metadata', async () => {
    await openai.chat.completions.create(plain);
    await openai.chat.completions.create({ ...plain, temperature: 1 });
    await openai.chat.completions.create({ ...plain, model: 'gpt-4o' });
    await openai.chat.completions.create({ ...plain, messages: [...messages, { role: 'user', content: 'And at night?' }] });
    await openai.chat.completions.create({ ...plain, seed: 7 });
    await openai.chat.completions.create({ ...plain, response_format: { type: 'json_object' } });
    expect(requests).toHaveLength(6);

    await openai.chat.completions.create({ ...plain, user: 'user-42', store: true, metadata: { run: 'a' }, safety_identifier: 'h' });
    await openai.chat.completions.create({ messages, temperature: 0, model: 'gpt-4o-mini' }); // other key order
    expect(requests).toHaveLength(6);
  });

  it('records a stream chunk by chunk and replays it as an SDK Stream, identically', async () => {
    const live = await openai.chat.completions.create(streamed);
    expect(live).toBeInstanceOf(Stream);
    const liveChunks = await collect(live);
    expect(liveChunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Blue');

    const replay = await openai.chat.completions.create(streamed);
    expect(replay).toBeInstanceOf(Stream);
    expect(await collect(replay)).toEqual(liveChunks);
    expect(await readNdjson((await openai.chat.completions.create(streamed)).toReadableStream())).toEqual(liveChunks);
    expect(requests).toHaveLength(1);
    expect(requests[0].body.stream).toBe(true);

    // A stream and a plain call are different entries: one stores chunks, the other a ChatCompletion.
    expect((await openai.chat.completions.create(plain)).object).toBe('chat.completion');
    expect(requests).toHaveLength(2);
  });

  it('keys stream_options: a call asking for the usage chunk never replays a stream without it', async () => {
    await collect(await openai.chat.completions.create(streamed));
    const withUsage = await collect(await openai.chat.completions.create({ ...streamed, stream_options: { include_usage: true } }));
    expect(withUsage.at(-1)?.usage).toMatchObject({ total_tokens: 14 });
    expect(requests).toHaveLength(2);
  });

  it('shares one upstream stream among identical concurrent calls', async () => {
    reply = (res) => replySse(res, chatChunks(['a', 'b', 'c']), { delayMs: 5 });
    const results = await Promise.all(Array.from({ length: 4 }, async () => collect(await openai.chat.completions.create(streamed))));
    expect(new Set(results.map((chunks) => JSON.stringify(chunks))).size).toBe(1);
    expect(requests).toHaveLength(1);
  });

  it('never caches an HTTP error, plain or streamed, and throws it at the await as the SDK does', async () => {
    reply = (res) => replyJson(res, 500, { error: { message: 'model overloaded', type: 'server_error' } });
    await expect(openai.chat.completions.create(plain)).rejects.toMatchObject({ status: 500 });
    await expect(openai.chat.completions.create(streamed)).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    reply = (res) => replyJson(res, 429, { error: { message: 'slow down', type: 'rate_limit' } });
    await expect(openai.chat.completions.create(plain)).rejects.toBeInstanceOf(OpenAI.RateLimitError);

    reply = (res, request) => (request.body.stream ? replySse(res, chatChunks(['ok'])) : replyJson(res, 200, chatCompletion('ok')));
    expect((await openai.chat.completions.create(plain)).choices[0].message.content).toBe('ok');
    expect(await collect(await openai.chat.completions.create(streamed))).toHaveLength(3);
    expect(requests).toHaveLength(5);
  });

  it('never caches a broken stream: an error event, a cut connection, a stream without its finish', async () => {
    const broken: Array<(res: ServerResponse) => Promise<void>> = [
      (res) => replySse(res, chatChunks(['a', 'b']), { errorAfter: 2 }),
      (res) => replySse(res, chatChunks(['a', 'b']), { cutAfter: 2 }),
      (res) => replySse(res, chatChunks(['a', 'b'], { finish: false })),
    ];
    const failures: unknown[] = [];
    for (const answer of broken) {
      reply = answer;
      await (async () => collect(await openai.chat.completions.create(streamed)))().catch((error: unknown) => failures.push(error));
    }
    expect(failures).toEqual([expect.objectContaining({ message: expect.stringContaining('upstream overloaded mid-stream') }), expect.objectContaining({ name: 'TypeError' })]); // undici's 'terminated'
    expect(await app.cache.getCachedResponse(chatCompletionRequest(streamed, 'chat', { baseURL: `${stub.url}/v1` }))).toBeUndefined();
    reply = (res) => replySse(res, chatChunks(['fine']));
    expect(await collect(await openai.chat.completions.create(streamed))).toHaveLength(3);
    expect(requests).toHaveLength(4);
  });

  it('never caches a stream its reader left or aborted, nor a body that is not a completion', async () => {
    reply = (res) => replySse(res, chatChunks(['a', 'b', 'c', 'd']), { delayMs: 5 });
    for await (const chunk of await openai.chat.completions.create(streamed)) {
      if (chunk.choices[0]?.delta.content === 'a') break;
    }
    const aborted = await openai.chat.completions.create(streamed);
    const seen: ChatCompletionChunk[] = [];
    for await (const chunk of aborted) {
      seen.push(chunk);
      aborted.controller.abort();
    }
    expect(seen).toHaveLength(1);
    // Aborted through the request's own signal: the SDK then ends the stream quietly, as if complete.
    const signal = new AbortController();
    const quietlyEnded = await collect(
      (async function* () {
        for await (const chunk of await openai.chat.completions.create(streamed, { signal: signal.signal })) {
          signal.abort();
          yield chunk;
        }
      })(),
    );
    expect(quietlyEnded.length).toBeLessThan(6); // cut short: the role chunk, 4 pieces and the finish make 6
    expect(await app.cache.getCachedResponse(chatCompletionRequest(streamed, 'chat', { baseURL: `${stub.url}/v1` }))).toBeUndefined();

    reply = (res) => void res.end('<html>gateway page</html>');
    expect(await openai.chat.completions.create(plain)).toBe('<html>gateway page</html>');
    reply = (res, request) => (request.body.stream ? replySse(res, chatChunks(['x'])) : replyJson(res, 200, chatCompletion('x')));
    expect((await openai.chat.completions.create(plain)).choices[0].message.content).toBe('x');
    expect(await collect(await openai.chat.completions.create(streamed))).toHaveLength(3);
    expect(requests).toHaveLength(6);
  });

  it('keeps tenants apart (AICacheContext), counts outcomes there, and invalidateByOperation removes the entries', async () => {
    const acme = await AICacheContext.run({ tenant: 'acme' }, async () => {
      await openai.chat.completions.create(plain);
      await openai.chat.completions.create(plain);
      return AICacheContext.outcome();
    });
    expect(acme).toEqual({ hits: 1, misses: 1, coalesced: 0, stale: 0, semantic: 0 });
    await AICacheContext.run({ tenant: 'globex' }, () => openai.chat.completions.create(plain));
    expect(requests).toHaveLength(2);
    await collect(await openai.chat.completions.create(streamed));

    expect(await app.cache.invalidateByOperation('chat')).toBe(3);
    await AICacheContext.run({ tenant: 'acme' }, () => openai.chat.completions.create(plain));
    await collect(await openai.chat.completions.create(streamed));
    expect(requests).toHaveLength(5);
  });

  it('files entries under its operation, with its TTL, and honours noStore from the context', async () => {
    const summarizer = withAICache(new OpenAI({ apiKey: 'k', baseURL: `${stub.url}/v1`, maxRetries: 0 }), app.cache, { operation: 'summarize', ttl: '90s' });
    await summarizer.chat.completions.create(plain);
    const key = app.cache.buildKey(chatCompletionRequest(plain, 'summarize', { baseURL: `${stub.url}/v1` }));
    expect(key.startsWith('ai:summarize:')).toBe(true);
    expect(await app.cache.getTtl(key)).toBe(90);
    await AICacheContext.run({ noStore: true }, () => openai.chat.completions.create({ ...plain, seed: 1 }));
    await openai.chat.completions.create({ ...plain, seed: 1 });
    expect(requests).toHaveLength(3);
  });

  it('calls the model uncached when a request option rewrites the request', async () => {
    await openai.chat.completions.create(plain, { query: { 'api-version': '1' } });
    await openai.chat.completions.create(plain, { query: { 'api-version': '1' } });
    expect(requests).toHaveLength(2);
    expect(requests[0].url).toBe('/v1/chat/completions?api-version=1');
  });

  it('rejects what is not a client, a cache or an operation, naming it', () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: stub.url });
    expect(() => withAICache({} as never, app.cache)).toThrow(/withAICache: client must be an OpenAI client/);
    expect(() => withAICache(client, {} as never)).toThrow(/withAICache: cache must be the AIResponseCacheService/);
    expect(() => withAICache(client, app.cache, { operation: 'no spaces' })).toThrow(/withAICache: options.operation: Invalid AI operation/);
    expect(() => withAICache(client, app.cache, { ttl: -1 })).toThrow(/withAICache options.ttl/);
  });
});
