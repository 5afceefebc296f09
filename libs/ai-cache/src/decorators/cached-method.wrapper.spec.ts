import { Logger } from '@nestjs/common';
import { lastValueFrom, Observable, of, Subject, toArray } from 'rxjs';
import { AIResponseCacheService } from '../ai-response-cache.service';
import { resolveCacheOptions } from '../cache-options.resolver';
import { CacheCalls } from '../calls/cache-calls';
import { createCacheMonitor } from '../monitor/cache-monitor.providers';
import { MemoryStore } from '../stores/memory.store';
import { AICacheContext } from '../context/ai-cache.context';
import type { CachedAIResponseMetadata } from './cached-ai-response.decorator';
import { planCachedMethod } from './cached-method.plan';
import { createCachedMethod } from './cached-method.wrapper';
import { collect } from '../streams/streams.spec-support';

function setup() {
  const resolved = resolveCacheOptions({});
  const store = new MemoryStore({ maxEntries: resolved.maxSize, maxBytes: resolved.maxBytes, purgeIntervalMs: 0 });
  const monitor = createCacheMonitor(resolved, { store });
  const calls = new CacheCalls(resolved, store, monitor);
  const cache = new AIResponseCacheService(resolved, store, monitor, calls);
  const runtime = { calls };
  const wrap = (method: (...args: never[]) => unknown, metadata: Partial<CachedAIResponseMetadata> = {}) =>
    createCachedMethod(method as never, planCachedMethod({ methodName: 'summarize', ...metadata }, 'Svc', method, undefined), runtime);
  return { cache, wrap };
}

describe('createCachedMethod', () => {
  it('calls the original with the same `this` and arguments on a miss, and not at all on a hit', async () => {
    const { wrap } = setup();
    const seen: unknown[] = [];
    const owner = {
      tone: 'dry',
      summarize: async function (this: { tone: string }, text: string, options?: object) {
        seen.push([this.tone, text, options]);
        return `${this.tone} ${text}`;
      },
    };
    owner.summarize = wrap(owner.summarize) as typeof owner.summarize;
    expect(await owner.summarize('t', { n: 1 })).toBe('dry t');
    expect(await owner.summarize('t', { n: 1 })).toBe('dry t');
    expect(seen).toEqual([['dry', 't', { n: 1 }]]);
  });

  it('records the outcome of each call in the AICacheContext it was called in', async () => {
    const { wrap } = setup();
    const summarize = wrap(async (text: string) => text);
    const outcome = await AICacheContext.run({}, async () => {
      await summarize('a');
      await summarize('a');
      await Promise.all([summarize('b'), summarize('b')]);
      return AICacheContext.outcome();
    });
    expect(outcome).toEqual({ hits: 1, misses: 2, coalesced: 1, stale: 0, semantic: 0 });
  });

  it('applies the context’s tenant, noStore and ttl', async () => {
    const { cache, wrap } = setup();
    const summarize = wrap(async (text: string) => `s ${text}`);
    await AICacheContext.run({ tenant: 'acme', ttl: 60 }, () => summarize('x'));
    expect(await cache.getCachedResponse({ text: 'x', operation: 'summarize' })).toBeUndefined();
    expect(await cache.getTtl(cache.buildKey({ text: 'x', operation: 'summarize' }, { scope: 'acme' }))).toBe(60);
    await AICacheContext.run({ noStore: true }, () => summarize('y'));
    expect(await cache.exists(cache.buildKey({ text: 'y', operation: 'summarize' }))).toBe(false);
  });

  it('uses the decorator ttl when the context gives none', async () => {
    const { cache, wrap } = setup();
    await wrap(async (text: string) => text, { ttl: 30 })('z');
    expect(await cache.getTtl(cache.buildKey({ text: 'z', operation: 'summarize' }))).toBe(30);
  });

  it('caches a synchronous method as a Promise', async () => {
    const { wrap } = setup();
    let runs = 0;
    const count = wrap((text: string) => {
      runs++;
      return text.length;
    });
    await expect(count('four')).resolves.toBe(4);
    await expect(count('four')).resolves.toBe(4);
    expect(runs).toBe(1);
  });

  it('rejects a promise-kind method that returned a stream, and caches nothing', async () => {
    const { cache, wrap } = setup();
    const wrong = wrap((text: string) => of(text));
    await expect(wrong('a') as Promise<unknown>).rejects.toThrow(/Svc\.summarize: the method returned an Observable but is cached as returning a Promise/);
    expect(await cache.getCachedResponse({ text: 'a', operation: 'summarize' })).toBeUndefined();
  });

  it('answers an observable-kind method with an Observable, lazily: nothing runs until subscribed', async () => {
    const { wrap } = setup();
    let runs = 0;
    const stream = wrap(
      (text: string) => {
        runs++;
        return of(`${text}-1`, `${text}-2`);
      },
      { returns: 'observable' },
    ) as (text: string) => Observable<string>;
    const observable = stream('o');
    expect(observable).toBeInstanceOf(Observable);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(0);
    expect(await lastValueFrom(observable.pipe(toArray()))).toEqual(['o-1', 'o-2']);
    expect(await lastValueFrom(stream('o').pipe(toArray()))).toEqual(['o-1', 'o-2']);
    expect(runs).toBe(1);
  });

  it('never starts the upstream for a subscriber gone before the lookup answered, and stops it for one gone later', async () => {
    const { wrap } = setup();
    const upstream = new Subject<string>();
    let runs = 0;
    const stream = wrap(
      (_text: string) => {
        runs++;
        return upstream.asObservable();
      },
      { returns: 'observable' },
    ) as (text: string) => Observable<string>;
    stream('gone').subscribe().unsubscribe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(0);

    const subscription = stream('later').subscribe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstream.observed).toBe(true);
    subscription.unsubscribe();
    expect(upstream.observed).toBe(false);
  });

  it('errors an observable-kind method that did not return an Observable', async () => {
    const { wrap } = setup();
    const stream = wrap(async (text: string) => text, { returns: 'observable' }) as (text: string) => Observable<string>;
    await expect(lastValueFrom(stream('x'))).rejects.toThrow(/returned a Promise but is cached as returning an Observable/);
  });

  it('answers an async-iterable-kind method with an AsyncIterable replaying the chunks', async () => {
    const { cache, wrap } = setup();
    let runs = 0;
    const tokens = wrap(
      async function* (text: string) {
        runs++;
        yield* text.split('');
      },
      {},
    ) as (text: string) => AsyncIterable<string>;
    expect(await collect(tokens('abc'))).toEqual(['a', 'b', 'c']);
    expect(await collect(tokens('abc'))).toEqual(['a', 'b', 'c']);
    expect(runs).toBe(1);
    expect(await cache.getCachedResponse({ text: 'abc', operation: 'summarize' })).toMatchObject({ response: ['a', 'b', 'c'] });
  });

  it('treats a non-array entry under a stream key as a miss', async () => {
    const { cache, wrap } = setup();
    await cache.cacheResponse({ text: 'k', operation: 'summarize' }, 'not a recorded stream');
    const tokens = wrap(async function* () {
      yield 'fresh';
    }) as (text: string) => AsyncIterable<string>;
    expect(await collect(tokens('k'))).toEqual(['fresh']);
    expect(await cache.getCachedResponse({ text: 'k', operation: 'summarize' })).toMatchObject({ response: ['fresh'] });
  });

  it('applies `unless` to the whole emitted sequence of a stream', async () => {
    const { cache, wrap } = setup();
    const tokens = wrap(
      async function* (text: string) {
        yield text;
        yield '[refused]';
      },
      { unless: (items: string[]) => items.includes('[refused]') },
    ) as (text: string) => AsyncIterable<string>;
    expect(await collect(tokens('q'))).toEqual(['q', '[refused]']);
    expect(await cache.getCachedResponse({ text: 'q', operation: 'summarize' })).toBeUndefined();
  });

  it('still delivers a stream whose items cannot be cached, and says why in the log', async () => {
    const { cache, wrap } = setup();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const tokens = wrap(async function* () {
      yield { callback: () => 1 };
    }) as (text: string) => AsyncIterable<unknown>;
    expect(await collect(tokens('f'))).toHaveLength(1);
    expect(await cache.getCachedResponse({ text: 'f', operation: 'summarize' })).toBeUndefined();
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/Not caching the stream of Svc\.summarize/));
    warn.mockRestore();
  });
});
