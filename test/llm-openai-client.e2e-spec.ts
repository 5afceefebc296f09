import type { ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AIResponseCacheService } from '@app/ai-cache';
import { clearCacheEnvironment, createDemoApp } from './support/demo-app';
import { type JsonStubServer, type RecordedRequest, startJsonStubServer } from './support/json-stub-server';

/** A stand-in for an OpenAI-compatible server on 127.0.0.1: records each request, answers as told. */
function chatReply(content: string) {
  return (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        model: 'stub-model',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 30, completion_tokens: 5 },
      }),
    );
  };
}

describe('text-processor demo app with an OpenAI-compatible model (e2e, stub server)', () => {
  let app: NestExpressApplication;
  let stub: JsonStubServer;
  let requests: RecordedRequest[] = [];
  let reply: (res: ServerResponse) => void = chatReply('unused');
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    stub = await startJsonStubServer((recorded, res) => {
      requests.push(recorded);
      reply(res);
    });

    clearCacheEnvironment();
    Object.assign(process.env, {
      LLM_BASE_URL: `${stub.url}/v1`,
      LLM_API_KEY: 'sk-e2e',
      LLM_MODEL: 'stub-model',
      LLM_TIMEOUT_MS: '5000',
    });
    app = await createDemoApp();
    await app.init();
  });

  beforeEach(() => {
    requests = [];
  });

  afterAll(async () => {
    await app?.close();
    await stub.close();
    process.env = savedEnv;
  });

  const post = (body: object) => request(app.getHttpServer()).post('/process').send(body);

  it('asks the model server on a miss and not on the identical hit', async () => {
    reply = chatReply('Caching makes repeated questions cheap.');
    const body = { text: 'Caching stores model answers. Hits skip the model.', operation: 'summarize' };

    const miss = await post(body).expect(200);
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(miss.body).toMatchObject({ operation: 'summarize', result: 'Caching makes repeated questions cheap.', cached: false });
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('/v1/chat/completions');
    expect(requests[0].headers.authorization).toBe('Bearer sk-e2e');
    expect(requests[0].body.model).toBe('stub-model');
    expect(requests[0].body.messages).toEqual([
      { role: 'system', content: expect.stringContaining('summarize') },
      { role: 'user', content: body.text },
    ]);

    const hit = await post(body).expect(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toMatchObject({ result: miss.body.result, cached: true });
    expect(requests).toHaveLength(1);
  });

  it('returns the JSON-shaped operations as structured results', async () => {
    reply = chatReply('{"sentiment": "negative", "confidence": 0.7}');
    const response = await post({ text: 'The build is slow and broken.', operation: 'sentiment' }).expect(200);
    expect(response.body.result).toEqual({ sentiment: 'negative', confidence: 0.7 });
  });

  it('answers 502 with the upstream message when the model server fails, and does not cache the failure', async () => {
    const body = { text: 'Text the model fails on, once.', operation: 'key_points' };
    reply = (res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'model overloaded' } }));
    };

    const failure = await post(body).expect(502);
    expect(failure.body).toMatchObject({ statusCode: 502, message: 'LLM server answered 500: model overloaded' });
    expect(failure.headers['x-cache']).toBeUndefined();

    reply = chatReply('["The model recovered."]');
    const retry = await post(body).expect(200);
    expect(retry.body).toMatchObject({ cached: false, result: ['The model recovered.'] });
    expect(requests).toHaveLength(2);
  });

  it('caches each answer once, at the model call (withAICache), under its operation: one entry to invalidate', async () => {
    reply = chatReply('["Questions about caching."]');
    const body = { text: 'One answer, one entry: the model call is the cache key.', operation: 'questions' };
    await post(body).expect(200);
    const cache = app.get(AIResponseCacheService);
    // The service's own entry for the operation does not exist: the client cached the chat request instead.
    expect(await cache.getCachedResponse({ text: body.text, operation: 'questions' })).toBeUndefined();
    expect(await cache.invalidateByOperation('questions')).toBe(1);

    const again = await post(body).expect(200);
    expect(again.headers['x-cache']).toBe('MISS');
    expect(requests).toHaveLength(2);
  });
});
