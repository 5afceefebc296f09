import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { MAX_TEXT_LENGTH } from '../apps/text-processor/src/text-processor/process-request.validator';
import { clearCacheEnvironment, createDemoApp } from './support/demo-app';

const ARTICLE =
  'Caching stores model answers so that repeated questions are cheap. ' +
  'A cache hit skips the model entirely. ' +
  'Redis keeps the cache shared between instances.';

/** The demo app as `npm run start:demo` runs it, with no cache or model configuration at all. */
describe('text-processor demo app (e2e, memory driver, fake model)', () => {
  let app: NestExpressApplication;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    // Nothing from the machine may pick Redis or a real model: this suite checks the zero-config defaults.
    clearCacheEnvironment();
    process.env.LLM_FAKE_LATENCY_MS = '20';
    app = await createDemoApp();
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    process.env = savedEnv;
  });

  const post = (body: unknown) => request(app.getHttpServer()).post('/process').send(body as object);

  describe('POST /process', () => {
    it('misses first, then serves the identical request from the cache with the same result', async () => {
      const body = { text: ARTICLE, operation: 'summarize' };

      const miss = await post(body).expect(200);
      expect(miss.headers['x-cache']).toBe('MISS');
      expect(miss.body).toEqual({
        operation: 'summarize',
        result: expect.stringContaining('Caching stores model answers'),
        cached: false,
        processingTimeMs: expect.any(Number),
      });

      const hit = await post(body).expect(200);
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(hit.body).toEqual({ ...miss.body, cached: true, processingTimeMs: expect.any(Number) });
    });

    it('misses for different options, and hits again for the same options in another order', async () => {
      const first = await post({ text: ARTICLE, operation: 'summarize', options: { max_length: 70, tone: 'plain' } }).expect(200);
      expect(first.body.cached).toBe(false);
      expect(first.body.result).toBe('Caching stores model answers so that repeated questions are cheap.');

      const other = await post({ text: ARTICLE, operation: 'summarize', options: { max_length: 40, tone: 'plain' } }).expect(200);
      expect(other.headers['x-cache']).toBe('MISS');
      expect(other.body.result).not.toBe(first.body.result);

      const reordered = await post({ text: ARTICLE, operation: 'summarize', options: { tone: 'plain', max_length: 70 } }).expect(200);
      expect(reordered.headers['x-cache']).toBe('HIT');
      expect(reordered.body.result).toBe(first.body.result);
    });

    it('keeps the operations apart: the same text under another operation is a miss with its own shape', async () => {
      const sentiment = await post({ text: ARTICLE, operation: 'sentiment' }).expect(200);
      expect(sentiment.body).toMatchObject({ cached: false, result: { sentiment: expect.any(String), confidence: expect.any(Number) } });

      const keyPoints = await post({ text: ARTICLE, operation: 'key_points', options: { max_points: 2 } }).expect(200);
      expect(keyPoints.body.cached).toBe(false);
      expect(keyPoints.body.result).toHaveLength(2);

      const questions = await post({ text: ARTICLE, operation: 'questions' }).expect(200);
      expect(questions.body.result).toEqual(expect.arrayContaining([expect.stringMatching(/\?$/)]));
    });

    it('answers qa from the text, and caches each question separately', async () => {
      const shared = await post({ text: ARTICLE, operation: 'qa', question: 'What keeps the cache shared?' }).expect(200);
      expect(shared.body).toMatchObject({ cached: false, result: 'Redis keeps the cache shared between instances.' });

      const skipped = await post({ text: ARTICLE, operation: 'qa', question: 'What does a hit skip?' }).expect(200);
      expect(skipped.body).toMatchObject({ cached: false, result: 'A cache hit skips the model entirely.' });

      const again = await post({ text: ARTICLE, operation: 'qa', question: 'What keeps the cache shared?' }).expect(200);
      expect(again.body).toMatchObject({ cached: true, result: shared.body.result });
    });

    it.each([
      ['a missing text', { operation: 'summarize' }, '`text` is required'],
      ['a non-string text', { text: 42, operation: 'summarize' }, '`text` must be a string'],
      ['an empty text', { text: '   ', operation: 'summarize' }, '`text` must not be empty'],
      [
        'a text over the limit',
        { text: 'a'.repeat(MAX_TEXT_LENGTH + 1), operation: 'summarize' },
        `\`text\` is ${MAX_TEXT_LENGTH + 1} characters long; the limit is ${MAX_TEXT_LENGTH}`,
      ],
      [
        'an unknown operation',
        { text: 'Hi.', operation: 'translate' },
        '`operation` "translate" is not supported; use one of: summarize, sentiment, key_points, questions, qa',
      ],
      ['non-object options', { text: 'Hi.', operation: 'summarize', options: 'short' }, '`options` must be a JSON object'],
      ['a qa without a question', { text: 'Hi.', operation: 'qa' }, '`question` is required for the qa operation'],
      ['a body that is not an object', ['Hi.'], 'The request body must be a JSON object'],
    ])('rejects %s with a 400 that says so', async (_case, body, message) => {
      const response = await post(body).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.message).toContain(message);
      expect(response.headers['x-cache']).toBeUndefined();
    });

    it('accepts a text at the length limit (the JSON body limit is not what stops it)', async () => {
      const response = await post({ text: `${'word '.repeat(MAX_TEXT_LENGTH / 5 - 1)}ends.`, operation: 'sentiment' }).expect(200);
      expect(response.body.result).toEqual({ sentiment: 'neutral', confidence: 0.5 });
    });
  });

  describe('per-request cache controls (Cache-Control, X-Tenant)', () => {
    const body = (text: string) => ({ text, operation: 'key_points' });

    it('no-cache skips the read but still writes the fresh answer', async () => {
      await post(body('Cache control one. A second sentence.')).expect(200);
      const refreshed = await post(body('Cache control one. A second sentence.')).set('Cache-Control', 'no-cache').expect(200);
      expect(refreshed.headers['x-cache']).toBe('MISS');
      expect(refreshed.body.cached).toBe(false);
      const after = await post(body('Cache control one. A second sentence.')).expect(200);
      expect(after.headers['x-cache']).toBe('HIT');
    });

    it('no-store reads but never writes', async () => {
      const uncached = await post(body('Cache control two. Never stored.')).set('Cache-Control', 'no-store').expect(200);
      expect(uncached.headers['x-cache']).toBe('MISS');
      const next = await post(body('Cache control two. Never stored.')).expect(200);
      expect(next.headers['x-cache']).toBe('MISS');
      const hit = await post(body('Cache control two. Never stored.')).set('Cache-Control', 'no-store').expect(200);
      expect(hit.headers['x-cache']).toBe('HIT');
    });

    it('X-Tenant isolates answers: one tenant never sees another tenant’s entry', async () => {
      const text = 'Tenant data. Each customer has its own answers.';
      const acme = await post(body(text)).set('X-Tenant', 'acme').expect(200);
      expect(acme.headers['x-cache']).toBe('MISS');
      expect((await post(body(text)).set('X-Tenant', 'globex').expect(200)).headers['x-cache']).toBe('MISS');
      expect((await post(body(text)).expect(200)).headers['x-cache']).toBe('MISS');
      expect((await post(body(text)).set('X-Tenant', 'acme').expect(200)).headers['x-cache']).toBe('HIT');
    });

    it('rejects an invalid tenant with a 400', async () => {
      await post(body('x')).set('X-Tenant', 'a'.repeat(200)).expect(400);
    });
  });

  it('GET /operations lists the five operations', async () => {
    const response = await request(app.getHttpServer()).get('/operations').expect(200);
    expect(response.body.operations.map((operation: { name: string }) => operation.name)).toEqual([
      'summarize',
      'sentiment',
      'key_points',
      'questions',
      'qa',
    ]);
  });

  it('GET /health reports the cache up, on the memory driver', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'up', driver: 'memory', hitRatio: expect.any(Number), alerts: expect.any(Array) });
  });
});
