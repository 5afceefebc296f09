import { Body, Controller, Get, type INestApplication, Injectable, Post, type Provider, UseInterceptors } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { lastValueFrom, Observable, toArray } from 'rxjs';
import request from 'supertest';
import {
  AI_CACHE_INTERCEPTOR_OPTIONS,
  AICacheContext,
  AICacheContextInterceptor,
  AIResponseCacheService,
  CachedAIResponse,
  CacheModule,
  type CacheModuleOptions,
  CacheMonitorService,
  CacheOptionsError,
} from '@app/ai-cache';
import { coalescedWaitCounter, type Driver, gate, useDecoratorHarness } from './support/decorator-harness';
import { waitUntil } from './support/redis-harness';

/** Per-call controls (AICacheContext) and their HTTP mapping (AICacheContextInterceptor), on both drivers. */

const harness = useDecoratorHarness('decorator_ctx');
const { cacheOptions } = harness;

/** Every answer says which model call produced it, so a stale answer is told apart from a fresh one. */
@Injectable()
class AnswerService {
  runs = 0;
  hold?: Promise<void>;

  @CachedAIResponse()
  async summarize(text: string): Promise<{ summary: string; run: number }> {
    const run = ++this.runs;
    await this.hold;
    return { summary: `summary of ${text}`, run };
  }

  @CachedAIResponse({ operation: 'tokens' })
  async *tokens(text: string): AsyncGenerator<string> {
    const run = ++this.runs;
    for (const word of text.split(' ')) yield `${word}#${run}`;
  }

  @CachedAIResponse({ operation: 'events' })
  events(text: string): Observable<string> {
    const run = ++this.runs;
    return new Observable<string>((subscriber) => {
      subscriber.next(`${text}#${run}`);
      subscriber.complete();
    });
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe.each<Driver>(['memory', 'redis'])('AICacheContext per-call controls (%s driver)', (driver) => {
  let app: INestApplication;
  let answers: AnswerService;
  let cache: AIResponseCacheService;
  let coalescedWaits: () => number;
  const summarizeRequest = (text: string) => ({ text, operation: 'summarize' });

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot(cacheOptions(driver))],
      providers: [AnswerService],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    harness.track(app);
    await app.init();
    answers = app.get(AnswerService);
    cache = app.get(AIResponseCacheService);
    coalescedWaits = coalescedWaitCounter(app);
  });

  it('noCache skips the read but still writes the new answer', async () => {
    expect(await answers.summarize('doc')).toMatchObject({ run: 1 });
    expect(await AICacheContext.run({ noCache: true }, () => answers.summarize('doc'))).toMatchObject({ run: 2 });
    expect(await answers.summarize('doc')).toMatchObject({ run: 2 });
    expect(answers.runs).toBe(2);
  });

  it('noStore reads the cache but never writes', async () => {
    expect(await AICacheContext.run({ noStore: true }, () => answers.summarize('private'))).toMatchObject({ run: 1 });
    expect(await cache.getCachedResponse(summarizeRequest('private'))).toBeUndefined();
    expect(await answers.summarize('private')).toMatchObject({ run: 2 });
    expect(await AICacheContext.run({ noStore: true }, () => answers.summarize('private'))).toMatchObject({ run: 2 });
    expect(answers.runs).toBe(2);
  });

  it('noCache + noStore bypasses the cache entirely', async () => {
    await answers.summarize('both');
    expect(await AICacheContext.run({ noCache: true, noStore: true }, () => answers.summarize('both'))).toMatchObject({ run: 2 });
    expect(await answers.summarize('both')).toMatchObject({ run: 1 });
  });

  it('a no-store call never shares a flight that writes, so it never causes a write', async () => {
    const held = gate();
    answers.hold = held.opened;
    const storing = answers.summarize('mixed');
    expect(await waitUntil(() => answers.runs === 1)).toBe(true);
    const notStoring = AICacheContext.run({ noStore: true }, () => answers.summarize('mixed'));
    expect(await waitUntil(() => answers.runs === 2)).toBe(true);
    held.open();
    expect((await storing).run).toBe(1);
    expect((await notStoring).run).toBe(2);
    expect((await cache.getCachedResponse<{ run: number }>(summarizeRequest('mixed')))?.response.run).toBe(1);
  });

  it('forceRefresh replaces the answer, and calls made meanwhile get the new one, never the old', async () => {
    expect(await answers.summarize('news')).toMatchObject({ run: 1 });
    const held = gate();
    answers.hold = held.opened;
    const refresh = AICacheContext.run({ forceRefresh: true }, () => answers.summarize('news'));
    expect(await waitUntil(() => answers.runs === 2)).toBe(true);
    const meanwhile = answers.summarize('news');
    expect(await waitUntil(() => coalescedWaits() === 1)).toBe(true);
    held.open();
    expect(await refresh).toMatchObject({ run: 2 });
    expect(await meanwhile).toMatchObject({ run: 2 });
    expect(await answers.summarize('news')).toMatchObject({ run: 2 });
  });

  it('noCache, unlike forceRefresh, leaves the old answer to the other callers while it computes', async () => {
    await answers.summarize('steady');
    const held = gate();
    answers.hold = held.opened;
    const bypass = AICacheContext.run({ noCache: true }, () => answers.summarize('steady'));
    expect(await waitUntil(() => answers.runs === 2)).toBe(true);
    expect(await answers.summarize('steady')).toMatchObject({ run: 1 });
    held.open();
    expect(await bypass).toMatchObject({ run: 2 });
  });

  it('a ttl control wins over the operation’s TTL', async () => {
    await AICacheContext.run({ ttl: '5m' }, () => answers.summarize('short-lived'));
    expect(await cache.getTtl(cache.buildKey(summarizeRequest('short-lived')))).toBe(300);
    await answers.summarize('default-lived');
    expect(await cache.getTtl(cache.buildKey(summarizeRequest('default-lived')))).toBe(7200);
  });

  it('isolates tenants: each tenant computes its own answer, and the key never holds the tenant in clear', async () => {
    const asAcme = () => AICacheContext.run({ tenant: 'acme-secret-id' }, () => answers.summarize('quarterly report'));
    const asGlobex = () => AICacheContext.run({ tenant: 'globex' }, () => answers.summarize('quarterly report'));
    expect(await asAcme()).toMatchObject({ run: 1 });
    expect(await asGlobex()).toMatchObject({ run: 2 });
    expect(await answers.summarize('quarterly report')).toMatchObject({ run: 3 });
    expect(await asAcme()).toMatchObject({ run: 1 });
    expect(await asGlobex()).toMatchObject({ run: 2 });
    expect(answers.runs).toBe(3);

    const acmeKey = cache.buildKey(summarizeRequest('quarterly report'), { scope: 'acme-secret-id' });
    expect(acmeKey).not.toContain('acme');
    expect(acmeKey).not.toBe(cache.buildKey(summarizeRequest('quarterly report')));
    expect(await cache.exists(acmeKey)).toBe(true);
    if (driver === 'redis') {
      const keys = (await harness.redis.cli('--scan', '--pattern', '*:ai:summarize:*')).trim().split('\n');
      expect(keys.length).toBeGreaterThanOrEqual(3);
      expect(keys.filter((key) => key.includes('acme'))).toEqual([]);
    }
    // Invalidating the operation reaches every tenant's entries.
    expect(await cache.invalidateByOperation('summarize')).toBe(3);
  });

  it('nested runs override control by control and count outcomes for the enclosing runs too', async () => {
    await AICacheContext.run({ tenant: 'outer', noStore: true }, async () => {
      await answers.summarize('nested');
      await AICacheContext.run({ noStore: false }, async () => {
        expect(AICacheContext.controls()).toEqual({ tenant: 'outer', noStore: false });
        await answers.summarize('nested');
        await answers.summarize('nested');
        expect(AICacheContext.outcome()).toEqual({ hits: 1, misses: 1, coalesced: 0, stale: 0, semantic: 0 });
      });
      expect(AICacheContext.outcome()).toEqual({ hits: 1, misses: 2, coalesced: 0, stale: 0, semantic: 0 });
    });
    expect(await AICacheContext.run({ tenant: 'outer' }, () => answers.summarize('nested'))).toMatchObject({ run: 2 });
    expect(AICacheContext.outcome()).toBeUndefined();
  });

  it('applies the context of the call to streams consumed after run() returned', async () => {
    const iterable = AICacheContext.run({ tenant: 'streamer' }, () => answers.tokens('a b'));
    expect(await collect(iterable)).toEqual(['a#1', 'b#1']);
    expect(await cache.getCachedResponse({ text: 'a b', operation: 'tokens' }, { scope: 'streamer' })).toMatchObject({
      response: ['a#1', 'b#1'],
    });
    expect(await cache.getCachedResponse({ text: 'a b', operation: 'tokens' })).toBeUndefined();

    const events = AICacheContext.run({ tenant: 'streamer' }, () => answers.events('e'));
    expect(await lastValueFrom(events.pipe(toArray()))).toEqual(['e#2']);
    expect(await lastValueFrom(AICacheContext.run({ tenant: 'streamer' }, () => answers.events('e')).pipe(toArray()))).toEqual(['e#2']);
    expect(await lastValueFrom(answers.events('e').pipe(toArray()))).toEqual(['e#3']);
  });

  it('applies noCache, noStore and forceRefresh to streams', async () => {
    expect(await collect(answers.tokens('s t'))).toEqual(['s#1', 't#1']);
    expect(await collect(AICacheContext.run({ noCache: true }, () => answers.tokens('s t')))).toEqual(['s#2', 't#2']);
    expect(await collect(answers.tokens('s t'))).toEqual(['s#2', 't#2']);

    expect(await collect(AICacheContext.run({ noStore: true }, () => answers.tokens('u v')))).toEqual(['u#3', 'v#3']);
    expect(await cache.getCachedResponse({ text: 'u v', operation: 'tokens' })).toBeUndefined();

    expect(await collect(AICacheContext.run({ forceRefresh: true }, () => answers.tokens('s t')))).toEqual(['s#4', 't#4']);
    expect(await collect(answers.tokens('s t'))).toEqual(['s#4', 't#4']);
  });
});

describe('AICacheContext.run validation', () => {
  it('rejects bad controls before running anything', () => {
    const fn = jest.fn();
    expect(() => AICacheContext.run({ tenant: '' }, fn)).toThrow(/tenant must be 1 to 128 characters/);
    expect(() => AICacheContext.run({ tenant: 'x'.repeat(129) }, fn)).toThrow(/tenant must be 1 to 128 characters/);
    expect(() => AICacheContext.run({ tenant: 'line\nbreak' }, fn)).toThrow(/control characters/);
    expect(() => AICacheContext.run({ nocache: true } as never, fn)).toThrow(/unknown control 'nocache'/);
    expect(() => AICacheContext.run({ noStore: 'yes' } as never, fn)).toThrow(/noStore must be a boolean/);
    expect(() => AICacheContext.run({ ttl: -1 }, fn)).toThrow(CacheOptionsError);
    expect(fn).not.toHaveBeenCalled();
    expect(AICacheContext.run({ tenant: 'x'.repeat(128) }, () => AICacheContext.controls().tenant)).toHaveLength(128);
  });
});

// ---- HTTP: Cache-Control / X-Tenant in, X-Cache out ----

@Controller()
@UseInterceptors(AICacheContextInterceptor)
class AskController {
  constructor(private readonly answers: AnswerService) {}

  @Post('summarize')
  summarize(@Body() body: { text: string }) {
    return this.answers.summarize(body.text);
  }

  @Post('two')
  async two(@Body() body: { a: string; b: string }) {
    return [await this.answers.summarize(body.a), await this.answers.summarize(body.b)];
  }

  @Get('uncached')
  uncached() {
    return { ok: true };
  }
}

async function bootHttp(driver: Driver, extraProviders: Provider[] = [], controller: Function = AskController): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [CacheModule.forRoot(cacheOptions(driver))],
    providers: [AnswerService, ...extraProviders],
    controllers: [controller as never],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  harness.track(app);
  await app.init();
  return app;
}

describe.each<Driver>(['memory', 'redis'])('AICacheContextInterceptor over HTTP (%s driver)', (driver) => {
  let app: INestApplication;
  beforeEach(async () => {
    app = await bootHttp(driver);
  });

  const post = (body: object, headers: Record<string, string> = {}) => {
    const call = request(app.getHttpServer()).post('/summarize').send(body);
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    return call;
  };

  it('answers X-Cache: MISS, then HIT', async () => {
    const miss = await post({ text: 'http doc' }).expect(201);
    expect(miss.headers['x-cache']).toBe('MISS');
    const hit = await post({ text: 'http doc' }).expect(201);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toEqual(miss.body);
  });

  it('maps Cache-Control: no-cache (and max-age=0) to a recomputation that is stored', async () => {
    await post({ text: 'refreshable' });
    const fresh = await post({ text: 'refreshable' }, { 'Cache-Control': 'no-cache' });
    expect(fresh.headers['x-cache']).toBe('MISS');
    expect(fresh.body.run).toBe(2);
    const after = await post({ text: 'refreshable' });
    expect(after.headers['x-cache']).toBe('HIT');
    expect(after.body.run).toBe(2);
    expect((await post({ text: 'refreshable' }, { 'Cache-Control': 'max-age=0' })).body.run).toBe(3);
  });

  it('maps Cache-Control: no-store to a read that never writes', async () => {
    const first = await post({ text: 'secret' }, { 'Cache-Control': 'private, no-store' });
    expect(first.headers['x-cache']).toBe('MISS');
    const second = await post({ text: 'secret' });
    expect(second.headers['x-cache']).toBe('MISS');
    expect(second.body.run).toBe(2);
    const third = await post({ text: 'secret' }, { 'Cache-Control': 'no-store' });
    expect(third.headers['x-cache']).toBe('HIT');
    expect(third.body.run).toBe(2);
  });

  it('keeps tenants apart with X-Tenant and refuses an invalid tenant with 400', async () => {
    expect((await post({ text: 'shared text' }, { 'X-Tenant': 'acme' })).headers['x-cache']).toBe('MISS');
    const globex = await post({ text: 'shared text' }, { 'X-Tenant': 'globex' });
    expect(globex.headers['x-cache']).toBe('MISS');
    const acmeAgain = await post({ text: 'shared text' }, { 'X-Tenant': 'acme' });
    expect(acmeAgain.headers['x-cache']).toBe('HIT');
    expect(acmeAgain.body.run).toBe(1);
    expect(globex.body.run).toBe(2);

    const refused = await post({ text: 'shared text' }, { 'X-Tenant': 't'.repeat(129) }).expect(400);
    expect(refused.body.message).toMatch(/tenant must be 1 to 128 characters/);
    expect(app.get(AnswerService).runs).toBe(2);
  });

  it('says MISS when any cached call of the request ran its body, and sets nothing without cached calls', async () => {
    await post({ text: 'one' });
    const mixed = await request(app.getHttpServer()).post('/two').send({ a: 'one', b: 'two' });
    expect(mixed.headers['x-cache']).toBe('MISS');
    const both = await request(app.getHttpServer()).post('/two').send({ a: 'one', b: 'two' });
    expect(both.headers['x-cache']).toBe('HIT');
    const none = await request(app.getHttpServer()).get('/uncached').expect(200);
    expect(none.headers['x-cache']).toBeUndefined();
  });
});

@Controller()
class PlainController {
  constructor(private readonly answers: AnswerService) {}

  @Post('summarize')
  summarize(@Body() body: { text: string }) {
    return this.answers.summarize(body.text);
  }
}

describe('AICacheContextInterceptor as a global interceptor with options', () => {
  it('reads the tenant where the options say, and can ignore client cache directives', async () => {
    const app = await bootHttp(
      'memory',
      [
        { provide: APP_INTERCEPTOR, useClass: AICacheContextInterceptor },
        {
          provide: AI_CACHE_INTERCEPTOR_OPTIONS,
          useValue: { tenant: (req: { headers: Record<string, string> }) => req.headers['x-org'], cacheControl: false },
        },
      ],
      PlainController,
    );
    const post = (headers: Record<string, string>) => request(app.getHttpServer()).post('/summarize').set(headers).send({ text: 'org text' });
    expect((await post({ 'X-Org': 'one' })).body.run).toBe(1);
    expect((await post({ 'X-Org': 'two' })).body.run).toBe(2);
    // X-Tenant is not the configured source, and no-cache is not honoured.
    const hit = await post({ 'X-Org': 'one', 'X-Tenant': 'two', 'Cache-Control': 'no-cache' });
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body.run).toBe(1);
  });
});
