import { Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import { AIResponseCacheService } from '../ai-response-cache.service';
import { resolveCacheOptions } from '../cache-options.resolver';
import { createCacheMonitor } from '../monitor/cache-monitor.providers';
import { MemoryStore } from '../stores/memory.store';
import type { StreamOutcome } from './cached-stream';
import { collect } from './streams.spec-support';

function setup() {
  const resolved = resolveCacheOptions({});
  const store = new MemoryStore({ maxEntries: resolved.maxSize, maxBytes: resolved.maxBytes, purgeIntervalMs: 0 });
  const monitor = createCacheMonitor(resolved, { store });
  return { cache: new AIResponseCacheService(resolved, store, monitor), monitor };
}

const request = { text: 'tell me a story', operation: 'story' };

/** An upstream that counts its starts and yields `items`, failing after `failAfter` of them if set. */
function upstream(items: string[], failAfter?: number) {
  const counter = { starts: 0 };
  const start = () => {
    counter.starts++;
    return (async function* () {
      for (const [index, item] of items.entries()) {
        if (index === failAfter) throw new Error('connection reset');
        await Promise.resolve();
        yield item;
      }
    })();
  };
  return { counter, start };
}

describe('AIResponseCacheService.getOrComputeStream', () => {
  it('records a miss while it is read, stores the array, and replays it on a hit without starting the upstream', async () => {
    const { cache } = setup();
    const { counter, start } = upstream(['Once', ' upon', ' a time']);
    const outcomes: StreamOutcome[] = [];
    const onOutcome = (outcome: StreamOutcome) => outcomes.push(outcome);

    expect(await collect(cache.getOrComputeStream(request, start, { onOutcome }))).toEqual(['Once', ' upon', ' a time']);
    expect(await cache.getCachedResponse(request)).toMatchObject({ response: ['Once', ' upon', ' a time'] });
    expect(await collect(cache.getOrComputeStream(request, start, { onOutcome }))).toEqual(['Once', ' upon', ' a time']);
    expect(counter.starts).toBe(1);
    expect(outcomes).toEqual([{ status: 'miss' }, { status: 'hit', tier: 'memory' }]);
  });

  it('is lazy: nothing is looked up or started until the stream is iterated', async () => {
    const { cache, monitor } = setup();
    const { counter, start } = upstream(['x']);
    const stream = cache.getOrComputeStream(request, start);
    await new Promise((resolve) => setImmediate(resolve));
    expect(counter.starts).toBe(0);
    expect(monitor.getPerformanceStats().cacheMisses).toBe(0);
    expect(await collect(stream)).toEqual(['x']);
  });

  it('shares one upstream among identical concurrent calls and counts the joiners as coalesced', async () => {
    const { cache, monitor } = setup();
    const { counter, start } = upstream(['a', 'b', 'c']);
    const statuses: string[] = [];
    const results = await Promise.all(
      Array.from({ length: 5 }, () => collect(cache.getOrComputeStream(request, start, { onOutcome: ({ status }) => statuses.push(status) }))),
    );
    expect(results).toEqual(Array(5).fill(['a', 'b', 'c']));
    expect(counter.starts).toBe(1);
    expect(statuses.sort()).toEqual(['coalesced', 'coalesced', 'coalesced', 'coalesced', 'miss']);
    expect(monitor.getCounters().coalescedWaits).toBe(4);
  });

  it('never stores a stream that failed or that its reader left early', async () => {
    const { cache } = setup();
    const failing = upstream(['a', 'b', 'c'], 2);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of cache.getOrComputeStream(request, failing.start)) seen.push(item);
      })(),
    ).rejects.toThrow('connection reset');
    expect(seen).toEqual(['a', 'b']);
    expect(await cache.getCachedResponse(request)).toBeUndefined();

    const left = upstream(['a', 'b', 'c']);
    for await (const item of cache.getOrComputeStream(request, left.start)) {
      if (item === 'a') break;
    }
    expect(await cache.getCachedResponse(request)).toBeUndefined();
    expect(await collect(cache.getOrComputeStream(request, left.start))).toEqual(['a', 'b', 'c']);
    expect(left.counter.starts).toBe(2);
  });

  it('applies unless to the whole array, the scope, the ttl, noStore, noCache and forceRefresh', async () => {
    const { cache } = setup();
    await collect(cache.getOrComputeStream(request, upstream(['no']).start, { unless: (items) => items.includes('no') }));
    expect(await cache.getCachedResponse(request)).toBeUndefined();

    await collect(cache.getOrComputeStream(request, upstream(['t1']).start, { scope: 'acme', ttl: 60 }));
    expect(await cache.getCachedResponse(request)).toBeUndefined();
    expect(await cache.getTtl(cache.buildKey(request, { scope: 'acme' }))).toBe(60);

    await collect(cache.getOrComputeStream(request, upstream(['kept']).start, { noStore: true }));
    expect(await cache.getCachedResponse(request)).toBeUndefined();

    await collect(cache.getOrComputeStream(request, upstream(['v1']).start));
    expect(await collect(cache.getOrComputeStream(request, upstream(['v2']).start, { noCache: true }))).toEqual(['v2']);
    expect(await collect(cache.getOrComputeStream(request, upstream(['v3']).start))).toEqual(['v2']);
    expect(await collect(cache.getOrComputeStream(request, upstream(['v4']).start, { forceRefresh: true }))).toEqual(['v4']);
    expect(await collect(cache.getOrComputeStream(request, upstream(['v5']).start))).toEqual(['v4']);
  });

  it('treats a value under the key that is not an array as a miss, and replaces it', async () => {
    const { cache } = setup();
    await cache.cacheResponse(request, 'a plain answer');
    expect(await collect(cache.getOrComputeStream(request, upstream(['streamed']).start))).toEqual(['streamed']);
    expect(await cache.getCachedResponse(request)).toMatchObject({ response: ['streamed'] });
  });

  it('never starts the upstream for a reader gone while the lookup ran', async () => {
    const { cache } = setup();
    const { counter, start } = upstream(['x']);
    const iterator = cache.getOrComputeStream(request, start)[Symbol.asyncIterator]();
    const pending = iterator.next();
    await iterator.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(counter.starts).toBe(0);
  });

  it('records an Observable as it emits, and stops it when the last reader leaves', async () => {
    const { cache } = setup();
    const source = new Subject<string>();
    const iterator = cache.getOrComputeStream(request, () => source.asObservable())[Symbol.asyncIterator]();
    const first = iterator.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.observed).toBe(true);
    source.next('pushed');
    expect(await first).toEqual({ done: false, value: 'pushed' });
    await iterator.return?.();
    expect(source.observed).toBe(false);
    expect(await cache.getCachedResponse(request)).toBeUndefined();
  });

  it('still delivers a stream it cannot cache, and says why in the log', async () => {
    const { cache } = setup();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const start = () =>
      (async function* () {
        yield { callback: () => 1 };
      })();
    expect(await collect(cache.getOrComputeStream(request, start, { label: 'Tales.tell' }))).toHaveLength(1);
    expect(await cache.getCachedResponse(request)).toBeUndefined();
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/Not caching the stream of Tales\.tell/));
    warn.mockRestore();
  });

  it('rejects a start() that returns neither an AsyncIterable nor an Observable, and a bad request at once', async () => {
    const { cache } = setup();
    const wrong = cache.getOrComputeStream(request, () => Promise.resolve('x') as never);
    await expect(collect(wrong)).rejects.toThrow(/start\(\) must return an AsyncIterable or an Observable, got an instance of Promise/);
    expect(() => cache.getOrComputeStream({ text: 1 as never, operation: 'story' }, upstream([]).start)).toThrow(/AIRequest.text must be a string/);
  });
});
