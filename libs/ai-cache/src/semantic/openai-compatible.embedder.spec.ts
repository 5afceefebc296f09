import type { ServerResponse } from 'node:http';
import { startJsonStubServer, type JsonStubServer, type RecordedRequest } from '../../../../test/support/json-stub-server';
import { EmbeddingError } from './embedding.types';
import { openAICompatibleEmbedder } from './openai-compatible.embedder';

/** A deterministic stand-in embedding: [length of the text, its first char code, 1]. */
const embeddingOf = (text: string) => [text.length, text.charCodeAt(0), 1];

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Answers like OpenAI: one embedding per input, in reverse order (so mapping by index matters). */
function openAILike(request: RecordedRequest, res: ServerResponse): void {
  const inputs = request.body.input as string[];
  const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: embeddingOf(text) })).reverse();
  answer(res, 200, { object: 'list', data, model: request.body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
}

describe('openAICompatibleEmbedder (against a loopback HTTP server)', () => {
  let server: JsonStubServer;
  let requests: RecordedRequest[];
  let handler: (request: RecordedRequest, res: ServerResponse) => void;

  beforeAll(async () => {
    server = await startJsonStubServer((request, res) => {
      requests.push(request);
      handler(request, res);
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    requests = [];
    handler = openAILike;
  });

  it('posts to <baseURL>/embeddings with the model, the key and float encoding, and returns a Float32Array', async () => {
    const embed = openAICompatibleEmbedder({ baseURL: `${server.url}/v1/`, apiKey: 'sk-test', model: 'text-embedding-3-small', headers: { 'x-org': 'acme' } });
    const vector = await embed('hello');
    expect(vector).toBeInstanceOf(Float32Array);
    expect(Array.from(vector)).toEqual(embeddingOf('hello'));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: ['hello'], encoding_format: 'float' } });
    expect(requests[0].headers).toMatchObject({ authorization: 'Bearer sk-test', 'content-type': 'application/json', 'x-org': 'acme' });
    expect(requests[0].body).not.toHaveProperty('dimensions');
  });

  it('batches concurrent embeds into one request and maps results back by index', async () => {
    const embed = openAICompatibleEmbedder({ baseURL: server.url, model: 'm' });
    const texts = ['alpha', 'be', 'c', 'delta!'];
    const vectors = await Promise.all(texts.map((text) => embed(text)));
    expect(vectors.map((v) => Array.from(v))).toEqual(texts.map(embeddingOf));
    expect(requests.map((r) => r.body.input)).toEqual([texts]);
    expect(requests[0].headers.authorization).toBeUndefined();
  });

  it('keeps batches within maxBatchSize', async () => {
    const embed = openAICompatibleEmbedder({ baseURL: server.url, model: 'm', maxBatchSize: 2 });
    await Promise.all(['a1', 'b22', 'c333', 'd4444', 'e55555'].map((text) => embed(text)));
    // The three requests run concurrently: the server may see them in any order.
    expect(requests.map((r) => r.body.input).sort()).toEqual([['a1', 'b22'], ['c333', 'd4444'], ['e55555']]);
  });

  it('caches by text and shares one request between concurrent calls for the same text', async () => {
    const embed = openAICompatibleEmbedder({ baseURL: server.url, model: 'm' });
    const [a, b] = await Promise.all([embed('same text'), embed('same text')]);
    expect(requests.map((r) => r.body.input)).toEqual([['same text']]);
    a[0] = 999; // callers get their own copies
    expect(Array.from(b)).toEqual(embeddingOf('same text'));
    expect(Array.from(await embed('same text'))).toEqual(embeddingOf('same text'));
    expect(requests).toHaveLength(1);
  });

  it('asks again when the cache is off', async () => {
    const embed = openAICompatibleEmbedder({ baseURL: server.url, model: 'm', cacheMaxBytes: 0 });
    await embed('x');
    await embed('x');
    expect(requests).toHaveLength(2);
  });

  it('sends dimensions when given and requires it of every answer', async () => {
    const embed = openAICompatibleEmbedder({ baseURL: server.url, model: 'm', dimensions: 3 });
    await embed('ok');
    expect(requests[0].body.dimensions).toBe(3);
    const wrong = openAICompatibleEmbedder({ baseURL: server.url, model: 'm', dimensions: 4 });
    await expect(wrong('ok')).rejects.toThrow(`embedding request to ${server.url}/embeddings returned embedding 0 with 3 dimensions, expected 4`);
  });

  it('holds the model to the dimension of its first answer', async () => {
    const embed = openAICompatibleEmbedder({ baseURL: server.url, model: 'm' });
    await embed('first');
    handler = (request, res) => answer(res, 200, { data: [{ index: 0, embedding: [1, 2] }] });
    await expect(embed('second')).rejects.toThrow('returned embedding 0 with 2 dimensions, expected 3');
  });

  it('rejects every failure with a clear EmbeddingError, never the API key, and caches none of them', async () => {
    const embed = openAICompatibleEmbedder({ baseURL: `${server.url}/v1?api-version=1`, apiKey: 'sk-secret', model: 'm' });
    const where = `embedding request to ${server.url}/v1/embeddings`;
    const failures: Array<[(request: RecordedRequest, res: ServerResponse) => void, string]> = [
      [(r, res) => answer(res, 401, { error: { message: 'Incorrect API key provided' } }), `${where} failed: HTTP 401: {"error":{"message":"Incorrect API key provided"}}`],
      [(r, res) => answer(res, 500, ''), `${where} failed: HTTP 500`],
      [(r, res) => answer(res, 200, '{"data": [ {"index": 0, '), `${where} returned malformed JSON`],
      [(r, res) => answer(res, 200, { data: [] }), `${where} returned 0 embeddings for 1 inputs`],
      [(r, res) => answer(res, 200, { data: [{ index: 0, embedding: [1, 'NaN'] }] }), `${where} returned embedding 0 with a value that is not a number at 1`],
      [(r, res) => answer(res, 200, '{"data":[{"index":0,"embedding":[1,1e999]}]}'), `${where} returned embedding 0 with a non-finite value at 1`],
    ];
    for (const [respond, message] of failures) {
      handler = respond;
      const error = await embed('q').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EmbeddingError);
      expect((error as Error).message).toBe(message);
      expect((error as Error).message).not.toContain('sk-secret');
      expect((error as Error).message).not.toContain('api-version');
    }
    expect(((await embed('q').catch((e: unknown) => e)) as EmbeddingError).message).toContain('non-finite');
    expect(requests.length).toBe(failures.length + 1);
    expect(requests[0].url).toBe('/v1/embeddings?api-version=1');
  });

  it('gives up after timeoutMs', async () => {
    handler = () => undefined; // never answers
    const embed = openAICompatibleEmbedder({ baseURL: server.url, model: 'm', timeoutMs: 150 });
    await expect(embed('slow')).rejects.toThrow(new EmbeddingError(`embedding request to ${server.url}/embeddings timed out after 150 ms`));
  });

  it('refuses a response body beyond maxResponseBytes', async () => {
    handler = (request, res) => answer(res, 200, { data: [{ index: 0, embedding: new Array(2000).fill(0.125) }] });
    const embed = openAICompatibleEmbedder({ baseURL: server.url, model: 'm', maxResponseBytes: 4096 });
    await expect(embed('big')).rejects.toThrow('returned more than 4096 bytes');
  });

  it('reports an unreachable server', async () => {
    const closed = await startJsonStubServer(() => undefined);
    await closed.close(); // a loopback port nobody listens on any more
    const embed = openAICompatibleEmbedder({ baseURL: closed.url, model: 'm' });
    await expect(embed('x')).rejects.toThrow(`embedding request to ${closed.url}/embeddings failed: ECONNREFUSED`);
  });

  it('validates its arguments and options, naming them', async () => {
    const embed = openAICompatibleEmbedder({ baseURL: server.url, model: 'm' });
    await expect(embed('')).rejects.toThrow('text must be a non-empty string (received an empty string)');
    await expect(embed(undefined as unknown as string)).rejects.toThrow('text must be a non-empty string (received undefined)');
    expect(() => openAICompatibleEmbedder({ baseURL: 'localhost:8080', model: 'm' })).toThrow('baseURL must be an http(s) URL (received localhost: URL)');
    expect(() => openAICompatibleEmbedder({ baseURL: 'not a url', model: 'm' })).toThrow('baseURL must be an http(s) URL (received "not a url")');
    expect(() => openAICompatibleEmbedder({ baseURL: server.url, model: '' })).toThrow('model must be a non-empty string');
    expect(() => openAICompatibleEmbedder({ baseURL: server.url, model: 'm', timeoutMs: 0 })).toThrow('timeoutMs must be an integer from 1 to 600000 (received 0)');
    expect(() => openAICompatibleEmbedder({ baseURL: server.url, model: 'm', maxBatchSize: 4096 })).toThrow('maxBatchSize must be an integer from 1 to 2048 (received 4096)');
    expect(() => openAICompatibleEmbedder({ baseURL: server.url, model: 'm', dimensions: 1.5 })).toThrow('dimensions must be an integer');
    expect(requests).toHaveLength(0);
  });
});
