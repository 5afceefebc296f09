import { type INestApplication, Injectable, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { firstValueFrom, from, lastValueFrom, Observable, Subject, take, toArray } from 'rxjs';
import {
  AIResponseCacheService,
  CachedAIResponse,
  CacheModule,
  type CacheModuleOptions,
  CacheMonitorService,
} from '@app/ai-cache';
import { coalescedWaitCounter, type Driver, gate, useDecoratorHarness } from './support/decorator-harness';
import { waitUntil } from './support/redis-harness';

/**
 * @CachedAIResponse() end to end: real Nest apps, on the memory driver and on a real redis-server
 * (with the L1 tier off, so that every hit is read back from Redis).
 */

const harness = useDecoratorHarness('decorator');
const { cacheOptions } = harness;

async function boot(driver: Driver, providers: Provider[]): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [CacheModule.forRoot(cacheOptions(driver))], providers }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  harness.track(app);
  await app.init();
  return app;
}

interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

@Injectable()
class WriterService {
  /** Arguments of each time a method body ran (that is: each model call). */
  readonly bodyCalls: Array<{ method: string; args: unknown[] }> = [];
  readonly style = 'terse';
  hold?: Promise<void>;
  failNext = 0;

  private ran(method: string, args: unknown[]): void {
    this.bodyCalls.push({ method, args });
  }

  runs(method: string): number {
    return this.bodyCalls.filter((call) => call.method === method).length;
  }

  @CachedAIResponse()
  async summarize(text: string, options?: Record<string, unknown>): Promise<{ summary: string; style: string }> {
    this.ran('summarize', [text, options]);
    await this.hold;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('model unavailable');
    }
    // `this` is the provider instance: the wrapper keeps it.
    return { summary: `summary of ${text}`, style: this.style };
  }

  @CachedAIResponse({ operation: 'key_points' })
  async keyPoints(text: string): Promise<string[]> {
    this.ran('keyPoints', [text]);
    return text.split(' ');
  }

  @CachedAIResponse({ ttl: '90s' })
  async sentiment(text: string): Promise<{ label: string }> {
    this.ran('sentiment', [text]);
    return { label: text.includes('good') ? 'positive' : 'neutral' };
  }

  @CachedAIResponse()
  async qa(text: string, options: Record<string, unknown> | undefined, question: string): Promise<string> {
    this.ran('qa', [text, options, question]);
    return `answer to ${question}`;
  }

  @CachedAIResponse({
    operation: 'chat',
    request: (messages: ChatMessage[], model: string) => ({
      text: messages.map((m) => `${m.role}: ${m.content}`).join('\n'),
      options: { model },
    }),
  })
  async chat(messages: ChatMessage[], model: string): Promise<string> {
    this.ran('chat', [messages, model]);
    return `reply (${model}) to ${messages.at(-1)?.content}`;
  }

  /** A DTO whose own operation field picks the operation (and the TTL). */
  @CachedAIResponse({ request: (dto: { operation: string; text: string }) => dto })
  async process(dto: { operation: string; text: string; requestId?: string }): Promise<string> {
    this.ran('process', [dto]);
    return `${dto.operation} of ${dto.text}`;
  }

  @CachedAIResponse({ unless: (result: { refused: boolean }) => result.refused })
  async moderate(text: string): Promise<{ refused: boolean }> {
    this.ran('moderate', [text]);
    return { refused: text.includes('forbidden') };
  }

  /** Synchronous: once cached, it returns a Promise (a hit may come from Redis). */
  @CachedAIResponse({ operation: 'count' })
  countWords(text: string): number {
    this.ran('countWords', [text]);
    return text.split(' ').length;
  }
}

describe.each<Driver>(['memory', 'redis'])('@CachedAIResponse() on promise methods (%s driver)', (driver) => {
  let app: INestApplication;
  let writer: WriterService;
  let cache: AIResponseCacheService;
  let coalescedWaits: () => number;

  beforeEach(async () => {
    app = await boot(driver, [WriterService]);
    writer = app.get(WriterService);
    cache = app.get(AIResponseCacheService);
    coalescedWaits = coalescedWaitCounter(app);
  });

  it('caches under the method name as operation, with that operation’s TTL', async () => {
    const first = await writer.summarize('The fox', { max_length: 50 });
    const second = await writer.summarize('The fox', { max_length: 50 });
    expect(second).toEqual({ summary: 'summary of The fox', style: 'terse' });
    expect(second).toEqual(first);
    expect(writer.runs('summarize')).toBe(1);

    const request = { text: 'The fox', operation: 'summarize', options: { max_length: 50 } };
    expect(await cache.getCachedResponse(request)).toMatchObject({ response: first });
    expect(await cache.getTtl(cache.buildKey(request))).toBe(7200);
  });

  it('keys on every argument of the default mapping: text, options, question', async () => {
    await writer.summarize('The fox', { max_length: 50 });
    await writer.summarize('The fox', { max_length: 60 });
    await writer.summarize('The dog', { max_length: 50 });
    await writer.summarize('The fox', { max_length: 50 });
    expect(writer.runs('summarize')).toBe(3);

    expect(await writer.qa('doc', undefined, 'who?')).toBe('answer to who?');
    expect(await writer.qa('doc', undefined, 'why?')).toBe('answer to why?');
    expect(await writer.qa('doc', undefined, 'who?')).toBe('answer to who?');
    expect(writer.runs('qa')).toBe(2);
    expect(await cache.getTtl(cache.buildKey({ text: 'doc', operation: 'qa', question: 'why?' }))).toBe(1800);
  });

  it('honours an explicit operation and an explicit TTL', async () => {
    await writer.keyPoints('a b c');
    expect(await cache.getCachedResponse({ text: 'a b c', operation: 'key_points' })).toMatchObject({ response: ['a', 'b', 'c'] });
    expect(await cache.getTtl(cache.buildKey({ text: 'a b c', operation: 'key_points' }))).toBe(7200);

    await writer.sentiment('good day');
    expect(await cache.getTtl(cache.buildKey({ text: 'good day', operation: 'sentiment' }))).toBe(90);
    expect(await cache.invalidateByOperation('key_points')).toBe(1);
    await writer.keyPoints('a b c');
    expect(writer.runs('keyPoints')).toBe(2);
  });

  it('maps other signatures with `request` (a chat message list; a DTO naming its operation)', async () => {
    const conversation: ChatMessage[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'how are you?' },
    ];
    expect(await writer.chat(conversation, 'gpt-4')).toBe('reply (gpt-4) to how are you?');
    expect(await writer.chat(structuredClone(conversation), 'gpt-4')).toBe('reply (gpt-4) to how are you?');
    await writer.chat(conversation, 'gpt-3.5');
    expect(writer.runs('chat')).toBe(2);
    const chatRequest = { text: 'user: hi\nassistant: hello\nuser: how are you?', operation: 'chat', options: { model: 'gpt-4' } };
    expect(await cache.getCachedResponse(chatRequest)).toMatchObject({ response: 'reply (gpt-4) to how are you?' });

    // Only the mapped fields enter the key: a request id does not split the cache.
    await writer.process({ operation: 'sentiment', text: 'x', requestId: '1' });
    await writer.process({ operation: 'sentiment', text: 'x', requestId: '2' });
    await writer.process({ operation: 'summarize', text: 'x', requestId: '3' });
    expect(writer.runs('process')).toBe(2);
    expect(await cache.getTtl(cache.buildKey({ text: 'x', operation: 'sentiment' }))).toBe(86400);
  });

  it('returns but does not cache a result `unless` rejects', async () => {
    expect(await writer.moderate('forbidden words')).toEqual({ refused: true });
    expect(await writer.moderate('forbidden words')).toEqual({ refused: true });
    expect(writer.runs('moderate')).toBe(2);
    await writer.moderate('fine words');
    await writer.moderate('fine words');
    expect(writer.runs('moderate')).toBe(3);
  });

  it('caches a synchronous method, which then returns a Promise', async () => {
    const first = writer.countWords('one two three') as unknown;
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBe(3);
    expect(await (writer.countWords('one two three') as unknown as Promise<number>)).toBe(3);
    expect(writer.runs('countWords')).toBe(1);
  });

  it('runs the body once for 100 concurrent identical calls, and every caller gets the result', async () => {
    const held = gate();
    writer.hold = held.opened;
    const calls = Array.from({ length: 100 }, () => writer.summarize('burst', { n: 1 }));
    // Open the gate only once the 99 others have joined the first call's flight.
    expect(await waitUntil(() => coalescedWaits() === 99)).toBe(true);
    held.open();
    const results = await Promise.all(calls);
    expect(writer.runs('summarize')).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ summary: 'summary of burst', style: 'terse' })]));
    // Each caller has its own copy: one mutating its result does not change another's.
    results[0].summary = 'mutated';
    expect(results[1].summary).toBe('summary of burst');
    expect(await writer.summarize('burst', { n: 1 })).toEqual({ summary: 'summary of burst', style: 'terse' });
    expect(writer.runs('summarize')).toBe(1);
  });

  it('passes a throw to every concurrent caller, caches nothing, and the next call recomputes', async () => {
    const held = gate();
    writer.hold = held.opened;
    writer.failNext = 1;
    const calls = Array.from({ length: 10 }, () => writer.summarize('flaky').then(() => 'resolved', (error: Error) => error.message));
    expect(await waitUntil(() => coalescedWaits() === 9)).toBe(true);
    held.open();
    expect(await Promise.all(calls)).toEqual(Array(10).fill('model unavailable'));
    expect(writer.runs('summarize')).toBe(1);
    expect(await cache.getCachedResponse({ text: 'flaky', operation: 'summarize' })).toBeUndefined();

    expect(await writer.summarize('flaky')).toEqual({ summary: 'summary of flaky', style: 'terse' });
    expect(writer.runs('summarize')).toBe(2);
    await writer.summarize('flaky');
    expect(writer.runs('summarize')).toBe(2);
  });

  it('rejects arguments the default mapping cannot key, naming the method', async () => {
    await expect(writer.summarize(42 as unknown as string)).rejects.toThrow(
      /@CachedAIResponse\(\) on WriterService\.summarize: the first argument must be a string, got number/,
    );
    expect(writer.runs('summarize')).toBe(0);
  });
});

// ---- inheritance, and calls made before the explorer ran ----

abstract class BaseModelClient {
  bodyRuns = 0;
  protected abstract readonly model: string;

  @CachedAIResponse()
  async summarize(text: string): Promise<string> {
    this.bodyRuns++;
    return `${this.model}: ${text.slice(0, 10)}`;
  }
}

@Injectable()
class OpenAiClient extends BaseModelClient {
  protected readonly model = 'gpt';
}

@Injectable()
class OverridingClient extends BaseModelClient {
  protected readonly model = 'override';

  /** Overridden without the decorator: the override is what runs, uncached. */
  override async summarize(text: string): Promise<string> {
    this.bodyRuns++;
    return `plain ${text}`;
  }
}

@Injectable()
class EagerService {
  bodyRuns = 0;
  /** What the method returned when the constructor called it, before any module init. */
  readonly atConstruction: Promise<string>;

  constructor() {
    this.atConstruction = this.summarize('warm-up');
  }

  @CachedAIResponse()
  async summarize(text: string): Promise<string> {
    this.bodyRuns++;
    return `eager ${text}`;
  }
}

describe.each<Driver>(['memory', 'redis'])('@CachedAIResponse() edges (%s driver)', (driver) => {
  it('caches a decorated method inherited from a base class, with `this` of the subclass', async () => {
    const app = await boot(driver, [OpenAiClient, OverridingClient]);
    const client = app.get(OpenAiClient);
    expect(await client.summarize('inherited text')).toBe('gpt: inherited ');
    expect(await client.summarize('inherited text')).toBe('gpt: inherited ');
    expect(client.bodyRuns).toBe(1);
    expect(Object.prototype.hasOwnProperty.call(client, 'summarize')).toBe(true);
    // The base class itself is untouched: the wrapper lives on the instance.
    expect(BaseModelClient.prototype.summarize).not.toBe(client.summarize);

    const overriding = app.get(OverridingClient);
    await overriding.summarize('x');
    await overriding.summarize('x');
    expect(overriding.bodyRuns).toBe(2);
  });

  it('runs a method called before the explorer (from a constructor) uncached, and caches it afterwards', async () => {
    const app = await boot(driver, [EagerService]);
    const eager = app.get(EagerService);
    expect(await eager.atConstruction).toBe('eager warm-up');
    expect(eager.bodyRuns).toBe(1);
    const cache = app.get(AIResponseCacheService);
    expect(await cache.getCachedResponse({ text: 'warm-up', operation: 'summarize' })).toBeUndefined();

    expect(await eager.summarize('warm-up')).toBe('eager warm-up');
    expect(await eager.summarize('warm-up')).toBe('eager warm-up');
    expect(eager.bodyRuns).toBe(2);
  });
});

describe('@CachedAIResponse() outside Nest', () => {
  it('leaves the class working, uncached, when it is instantiated by hand', async () => {
    const client = new OpenAiClient();
    expect(await client.summarize('by hand')).toBe('gpt: by hand');
    expect(await client.summarize('by hand')).toBe('gpt: by hand');
    expect(client.bodyRuns).toBe(2);
  });
});

// ---- streams ----

@Injectable()
class StreamingService {
  upstreamRuns = 0;
  /** Emissions pushed by the test, for streams the test drives by hand. */
  manual?: Subject<string>;
  failAfter?: number;

  @CachedAIResponse()
  tokens(text: string): Observable<{ token: string; index: number }> {
    this.upstreamRuns++;
    return from(text.split(' ').map((token, index) => ({ token, index })));
  }

  @CachedAIResponse({ operation: 'live' })
  live(text: string): Observable<string> {
    this.upstreamRuns++;
    return new Observable<string>((subscriber) => this.manual!.subscribe(subscriber));
  }

  @CachedAIResponse({ operation: 'failing' })
  failing(text: string): Observable<string> {
    this.upstreamRuns++;
    return new Observable<string>((subscriber) => {
      subscriber.next(`${text}-1`);
      subscriber.error(new Error('stream broke'));
    });
  }

  /** An LLM token stream: an async generator, detected without any option. */
  @CachedAIResponse({ operation: 'generate' })
  async *generate(text: string, options?: { chunks?: number }): AsyncGenerator<string> {
    this.upstreamRuns++;
    const words = text.split(' ').slice(0, options?.chunks ?? Infinity);
    for (const [index, word] of words.entries()) {
      if (this.failAfter !== undefined && index === this.failAfter) throw new Error('connection reset');
      await new Promise((resolve) => setImmediate(resolve));
      yield index === 0 ? word : ` ${word}`;
    }
  }

  /** A plain method returning an AsyncIterable: TypeScript erases the interface, so the kind is declared. */
  @CachedAIResponse({ operation: 'sdk_stream', returns: 'async-iterable' })
  sdkStream(text: string): AsyncIterable<{ delta: string }> {
    this.upstreamRuns++;
    const deltas = [...text].map((delta) => ({ delta }));
    return {
      [Symbol.asyncIterator]: () => {
        let index = 0;
        return { next: async () => (index < deltas.length ? { done: false, value: deltas[index++] } : { done: true, value: undefined }) };
      },
    };
  }

  /** Declared nothing and returned a stream: the mistake is reported, not silently mis-cached. */
  @CachedAIResponse({ operation: 'undeclared' })
  undeclared(text: string) {
    this.upstreamRuns++;
    return from([text]) as unknown;
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe.each<Driver>(['memory', 'redis'])('@CachedAIResponse() on streams (%s driver)', (driver) => {
  let app: INestApplication;
  let streams: StreamingService;
  let cache: AIResponseCacheService;
  let coalescedWaits: () => number;

  beforeEach(async () => {
    app = await boot(driver, [StreamingService]);
    streams = app.get(StreamingService);
    cache = app.get(AIResponseCacheService);
    coalescedWaits = coalescedWaitCounter(app);
  });

  it('caches the full sequence an Observable emitted and replays it, as an Observable, on a hit', async () => {
    const emitted = await lastValueFrom(streams.tokens('the quick brown fox').pipe(toArray()));
    expect(emitted).toEqual([
      { token: 'the', index: 0 },
      { token: 'quick', index: 1 },
      { token: 'brown', index: 2 },
      { token: 'fox', index: 3 },
    ]);
    const replay = streams.tokens('the quick brown fox');
    expect(replay).toBeInstanceOf(Observable);
    expect(await lastValueFrom(replay.pipe(toArray()))).toEqual(emitted);
    expect(streams.upstreamRuns).toBe(1);
    expect(await cache.getCachedResponse({ text: 'the quick brown fox', operation: 'tokens' })).toMatchObject({ response: emitted });
  });

  it('does not cache an Observable that errors, nor one unsubscribed before it completed', async () => {
    await expect(lastValueFrom(streams.failing('x').pipe(toArray()))).rejects.toThrow('stream broke');
    await expect(lastValueFrom(streams.failing('x').pipe(toArray()))).rejects.toThrow('stream broke');
    expect(streams.upstreamRuns).toBe(2);

    streams.manual = new Subject<string>();
    const first = firstValueFrom(streams.live('unfinished'));
    expect(await waitUntil(() => streams.manual!.observed)).toBe(true);
    streams.manual.next('only the first');
    expect(await first).toBe('only the first');
    // firstValueFrom unsubscribed after one item: the upstream is stopped and nothing is stored.
    expect(await waitUntil(() => !streams.manual!.observed)).toBe(true);
    expect(await cache.getCachedResponse({ text: 'unfinished', operation: 'live' })).toBeUndefined();
  });

  it('shares one upstream between concurrent identical subscribers; late ones get what they missed', async () => {
    streams.manual = new Subject<string>();
    const early = lastValueFrom(streams.live('shared').pipe(toArray()));
    expect(await waitUntil(() => streams.manual!.observed)).toBe(true);
    streams.manual.next('a');
    const late = lastValueFrom(streams.live('shared').pipe(toArray()));
    expect(await waitUntil(() => coalescedWaits() === 1)).toBe(true);
    streams.manual.next('b');
    streams.manual.complete();
    expect(await early).toEqual(['a', 'b']);
    expect(await late).toEqual(['a', 'b']);
    expect(streams.upstreamRuns).toBe(1);
    expect(await lastValueFrom(streams.live('shared').pipe(toArray()))).toEqual(['a', 'b']);
    expect(streams.upstreamRuns).toBe(1);
  });

  it('records an async-generator token stream while it is consumed and replays it identically on a hit', async () => {
    const live = streams.generate('streams of tokens from a model');
    expect(typeof live[Symbol.asyncIterator]).toBe('function');
    const streamed = await collect(live);
    expect(streamed).toEqual(['streams', ' of', ' tokens', ' from', ' a', ' model']);
    const replayed = await collect(streams.generate('streams of tokens from a model'));
    expect(replayed).toEqual(streamed);
    expect(streams.upstreamRuns).toBe(1);
    expect(replayed.join('')).toBe('streams of tokens from a model');

    // The options take part in the key, as for promise methods.
    expect(await collect(streams.generate('streams of tokens from a model', { chunks: 2 }))).toEqual(['streams', ' of']);
    expect(streams.upstreamRuns).toBe(2);
  });

  it('replays a plain method returning an AsyncIterable (returns: async-iterable)', async () => {
    const first = await collect(streams.sdkStream('hey'));
    expect(first).toEqual([{ delta: 'h' }, { delta: 'e' }, { delta: 'y' }]);
    expect(await collect(streams.sdkStream('hey'))).toEqual(first);
    expect(streams.upstreamRuns).toBe(1);
  });

  it('does not cache a token stream the consumer left early, nor one that failed', async () => {
    for await (const token of streams.generate('one two three four')) {
      if (token === ' two') break;
    }
    expect(await cache.getCachedResponse({ text: 'one two three four', operation: 'generate' })).toBeUndefined();
    expect(await collect(streams.generate('one two three four'))).toEqual(['one', ' two', ' three', ' four']);
    expect(streams.upstreamRuns).toBe(2);

    streams.failAfter = 2;
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const token of streams.generate('a b c d')) seen.push(token);
      })(),
    ).rejects.toThrow('connection reset');
    expect(seen).toEqual(['a', ' b']);
    expect(await cache.getCachedResponse({ text: 'a b c d', operation: 'generate' })).toBeUndefined();
    streams.failAfter = undefined;
    expect(await collect(streams.generate('a b c d'))).toEqual(['a', ' b', ' c', ' d']);
  });

  it('shares one token stream between concurrent identical consumers', async () => {
    const consumers = Array.from({ length: 20 }, () => collect(streams.generate('many readers one model')));
    const results = await Promise.all(consumers);
    expect(results).toEqual(Array(20).fill(['many', ' readers', ' one', ' model']));
    expect(streams.upstreamRuns).toBe(1);
    expect(coalescedWaits()).toBe(19);
  });

  it('reports a method whose return kind was not declared instead of caching a Promise of a stream', async () => {
    await expect((streams.undeclared('x') as Promise<unknown>)).rejects.toThrow(
      /StreamingService\.undeclared: the method returned an Observable but is cached as returning a Promise/,
    );
    expect(await cache.getCachedResponse({ text: 'x', operation: 'undeclared' })).toBeUndefined();
  });

  it('does not stop the upstream while another consumer is still reading', async () => {
    streams.manual = new Subject<string>();
    const quitter = firstValueFrom(streams.live('two readers'));
    expect(await waitUntil(() => streams.manual!.observed)).toBe(true);
    const stayer = lastValueFrom(streams.live('two readers').pipe(take(3), toArray()));
    expect(await waitUntil(() => coalescedWaits() === 1)).toBe(true);
    streams.manual.next('1');
    expect(await quitter).toBe('1');
    expect(streams.manual.observed).toBe(true);
    streams.manual.next('2');
    streams.manual.next('3');
    streams.manual.complete();
    expect(await stayer).toEqual(['1', '2', '3']);
    expect(await cache.getCachedResponse({ text: 'two readers', operation: 'live' })).toMatchObject({ response: ['1', '2', '3'] });
  });
});
