import type { ServerResponse } from 'node:http';
import { type CacheApp, startCacheApp } from '../../../../../test/support/cache-app';
import { type JsonStubServer, type RecordedRequest, startJsonStubServer } from '../../../../../test/support/json-stub-server';
import { LlmUpstreamError } from '../llm-upstream.error';
import { OpenAiCompatibleLlmClient } from './openai-compatible-llm.client';

type Reply = (res: ServerResponse) => void;

const completion = (content: string, extra: object = {}) => (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: 'chatcmpl-1',
      model: 'stub-model-2024',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
      ...extra,
    }),
  );
};

describe('OpenAiCompatibleLlmClient (against a local stub server)', () => {
  let stub: JsonStubServer;
  let baseUrl: string;
  let requests: RecordedRequest[];
  let reply: Reply;

  beforeAll(async () => {
    stub = await startJsonStubServer((recorded, res) => {
      requests.push(recorded);
      reply(res);
    });
    baseUrl = `${stub.url}/v1`;
  });

  beforeEach(() => {
    requests = [];
    reply = completion('A summary.');
  });

  afterAll(() => stub.close());

  const client = (overrides: Partial<ConstructorParameters<typeof OpenAiCompatibleLlmClient>[0]> = {}, cache?: CacheApp['cache']) =>
    new OpenAiCompatibleLlmClient({ baseUrl, apiKey: 'sk-test', model: 'gpt-4o-mini', timeoutMs: 5000, ...overrides }, cache);

  it('POSTs a chat completion with the key, the model and the messages, and returns the reply with its usage', async () => {
    const result = await client().complete({ operation: 'summarize', text: 'Long text here.', options: { max_length: 50 } });

    expect(result).toEqual({ result: 'A summary.', usage: { promptTokens: 42, completionTokens: 7 }, model: 'stub-model-2024' });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      model: 'gpt-4o-mini',
      temperature: 0,
      messages: [
        { role: 'system', content: expect.stringContaining('at most 50 characters') },
        { role: 'user', content: 'Long text here.' },
      ],
    });
  });

  it('sends the question for qa and parses JSON replies into the operation shape', async () => {
    reply = completion('Redis.');
    await expect(client().complete({ operation: 'qa', text: 'Redis is shared.', question: 'What is shared?' })).resolves.toMatchObject({
      result: 'Redis.',
    });
    expect(requests[0].body.messages[1].content).toBe('Text:\nRedis is shared.\n\nQuestion: What is shared?');

    reply = completion('```json\n{"sentiment": "positive", "confidence": 0.8}\n```');
    await expect(client().complete({ operation: 'sentiment', text: 'Great!' })).resolves.toMatchObject({
      result: { sentiment: 'positive', confidence: 0.8 },
    });
  });

  it('sends no authorization header without a key, and estimates usage the server did not report', async () => {
    reply = completion('["one point"]', { usage: undefined, model: undefined });
    const result = await client({ apiKey: undefined, model: 'llama3' }).complete({ operation: 'key_points', text: 'abcdefgh' });

    expect(requests[0].headers.authorization).toBeUndefined();
    expect(result.result).toEqual(['one point']);
    expect(result.model).toBe('llama3');
    expect(result.usage.completionTokens).toBe(Math.ceil('["one point"]'.length / 4));
    expect(result.usage.promptTokens).toBeGreaterThan(0);
  });

  it('turns an upstream 500 into an LlmUpstreamError carrying the status and the upstream message', async () => {
    reply = (res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'model overloaded', type: 'server_error' } }));
    };
    const failure = await client()
      .complete({ operation: 'summarize', text: 'x' })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LlmUpstreamError);
    expect(failure).toMatchObject({ upstreamStatus: 500, message: 'LLM server answered 500: model overloaded' });
  });

  it('rejects a 200 whose body is not a completion', async () => {
    reply = (res) => res.end('<html>gateway page</html>');
    await expect(client().complete({ operation: 'summarize', text: 'x' })).rejects.toThrow('not JSON');

    reply = (res) => res.end(JSON.stringify({ choices: [] }));
    await expect(client().complete({ operation: 'summarize', text: 'x' })).rejects.toThrow('no completion');
  });

  it('gives up after timeoutMs when the server does not answer', async () => {
    reply = () => undefined; // never answers
    await expect(client({ timeoutMs: 50 }).complete({ operation: 'summarize', text: 'x' })).rejects.toThrow(
      new LlmUpstreamError('LLM server did not answer within 50 ms'),
    );
  });

  describe('given the cache (withAICache)', () => {
    let app: CacheApp;
    beforeEach(async () => {
      app = await startCacheApp();
    });
    afterEach(() => app.close());

    it('caches its own calls, per operation, keyed on the chat request: another model or prompt is another entry', async () => {
      const cached = client({}, app.cache);
      expect(cached.cachesCalls).toBe(true);
      expect(client().cachesCalls).toBe(false);
      const request = { operation: 'summarize' as const, text: 'Long text here.' };
      const first = await cached.complete(request);
      expect(await cached.complete(request)).toEqual(first);
      expect(requests).toHaveLength(1);

      await client({ model: 'gpt-4o' }, app.cache).complete(request);
      await cached.complete({ ...request, options: { max_length: 20 } }); // another system prompt
      await cached.complete({ ...request, operation: 'key_points' as never });
      expect(requests).toHaveLength(4);
      expect(await app.cache.invalidateByOperation('summarize')).toBe(3);
    });

    it('never caches a failure or a body that is not a completion', async () => {
      const cached = client({}, app.cache);
      reply = (res) => res.end('<html>gateway page</html>');
      await expect(cached.complete({ operation: 'summarize', text: 'x' })).rejects.toThrow('not JSON');
      reply = (res) => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'warming up' } }));
      };
      await expect(cached.complete({ operation: 'summarize', text: 'x' })).rejects.toMatchObject({ upstreamStatus: 503 });
      reply = completion('Finally.');
      await expect(cached.complete({ operation: 'summarize', text: 'x' })).resolves.toMatchObject({ result: 'Finally.' });
      expect(requests).toHaveLength(3);
    });
  });

  it('reports an unreachable server with the reason', async () => {
    // A port that was just listening and is closed now: nothing answers there.
    const closed = await startJsonStubServer(() => undefined);
    await closed.close();

    await expect(
      client({ baseUrl: `${closed.url}/v1` }).complete({ operation: 'summarize', text: 'x' }),
    ).rejects.toThrow('LLM server unreachable (ECONNREFUSED)');
  });
});
