import {
  Controller,
  Get,
  type INestApplication,
  Injectable,
  Logger,
  Module,
  type Provider,
  Scope,
  SetMetadata,
} from '@nestjs/common';
import { ContextIdFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AIResponseCacheService, CachedAIResponse, CacheModule, type CacheModuleOptions } from '@app/ai-cache';
import { type Driver, useDecoratorHarness } from './support/decorator-harness';

/** How @CachedAIResponse() meets Nest: bootstrap validation, scopes, controllers, several CacheModules. */

const harness = useDecoratorHarness('decorator_mod');
const { cacheOptions } = harness;

async function bootModule(imports: unknown[], providers: Provider[] = [], controllers: Function[] = []): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[], providers, controllers: controllers as never[] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  harness.track(app);
  await app.init();
  return app;
}

function bootError(providers: Provider[]): Promise<Error> {
  return bootModule([CacheModule.forRoot()], providers).then(
    () => {
      throw new Error('bootstrap succeeded');
    },
    (error: Error) => error,
  );
}

describe('bootstrap validation', () => {
  it('fails on a method name that is not a valid operation, naming the class and method', async () => {
    @Injectable()
    class DollarService {
      @CachedAIResponse()
      async $summarize(text: string): Promise<string> {
        return text;
      }
    }
    const error = await bootError([DollarService]);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/@CachedAIResponse\(\) on DollarService\.\$summarize: Invalid AI operation "\$summarize".*name it with \{ operation \}/);
  });

  it.each([
    [{ operation: 'sum marize' }, /on BadOptions\.summarize: Invalid AI operation "sum marize"/],
    [{ operation: 'x'.repeat(65) }, /on BadOptions\.summarize: Invalid AI operation/],
    [{ ttl: -5 }, /on BadOptions\.summarize: .*invalid option `ttl`/],
    [{ ttl: 'soon' }, /on BadOptions\.summarize: .*invalid option `ttl`/],
    [{ ttL: 5 }, /on BadOptions\.summarize: unknown option 'ttL'/],
    [{ returns: 'stream' }, /on BadOptions\.summarize: `returns` must be one of/],
    [{ request: 'text' }, /on BadOptions\.summarize: `request` must be a function/],
  ])('fails on options %p', async (options, message) => {
    @Injectable()
    class BadOptions {
      @CachedAIResponse(options as never)
      async summarize(text: string): Promise<string> {
        return text;
      }
    }
    expect((await bootError([BadOptions])).message).toMatch(message);
  });

  it('accepts every valid operation character, and method names such as keyPoints', async () => {
    @Injectable()
    class GoodNames {
      runs = 0;
      @CachedAIResponse()
      async keyPoints(text: string): Promise<string> {
        this.runs++;
        return text;
      }
      @CachedAIResponse({ operation: 'Model-v2.summarize_long' })
      async other(text: string): Promise<string> {
        this.runs++;
        return text;
      }
    }
    const app = await bootModule([CacheModule.forRoot()], [GoodNames]);
    const names = app.get(GoodNames);
    await names.keyPoints('k');
    await names.keyPoints('k');
    await names.other('o');
    await names.other('o');
    expect(names.runs).toBe(2);
    const cache = app.get(AIResponseCacheService);
    expect(await cache.exists(cache.buildKey({ text: 'o', operation: 'Model-v2.summarize_long' }))).toBe(true);
  });

  it('fails on a symbol-named method without an operation, and caches one that has an operation', async () => {
    const run = Symbol('run');
    @Injectable()
    class SymbolService {
      @CachedAIResponse()
      async [run](text: string): Promise<string> {
        return text;
      }
    }
    expect((await bootError([SymbolService])).message).toMatch(/on SymbolService\.Symbol\(run\): a method named by a symbol needs an explicit \{ operation \}/);

    let runs = 0;
    @Injectable()
    class NamedSymbolService {
      @CachedAIResponse({ operation: 'run' })
      async [run](text: string): Promise<string> {
        runs++;
        return text;
      }
    }
    const app = await bootModule([CacheModule.forRoot()], [NamedSymbolService]);
    expect(await app.get(NamedSymbolService)[run]('x')).toBe('x');
    expect(await app.get(NamedSymbolService)[run]('x')).toBe('x');
    expect(runs).toBe(1);
  });

  it('refuses, when the class is defined, to decorate a static method or an accessor', () => {
    expect(() => {
      class StaticOne {
        @CachedAIResponse()
        static summarize(text: string) {
          return text;
        }
      }
      return StaticOne;
    }).toThrow(/static method StaticOne\.summarize/);
    expect(() => {
      class AccessorOne {
        // Cast: TypeScript itself refuses the decorator on an accessor; plain JavaScript would not.
        @(CachedAIResponse() as MethodDecorator)
        get summary() {
          return 'x';
        }
      }
      return AccessorOne;
    }).toThrow(/AccessorOne\.summary: it decorates methods/);
  });
});

describe('wrapping', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn');
  });
  afterEach(() => warn.mockRestore());
  const warnings = () => warn.mock.calls.map((call) => String(call[0]));

  it('keeps the metadata other decorators put on the method, the name, and the arguments count', async () => {
    @Injectable()
    class Tagged {
      @SetMetadata('audit', 'summaries')
      @CachedAIResponse()
      async summarize(text: string, options?: object): Promise<string> {
        return `${text}${options ? '+' : ''}`;
      }
    }
    const app = await bootModule([CacheModule.forRoot()], [Tagged]);
    const tagged = app.get(Tagged);
    expect(Object.prototype.hasOwnProperty.call(tagged, 'summarize')).toBe(true);
    expect(Reflect.getMetadata('audit', tagged.summarize)).toBe('summaries');
    expect(tagged.summarize.name).toBe('summarize');
    expect(tagged.summarize).toHaveLength(2);
  });

  it('warns at bootstrap that a synchronous method now returns a Promise', async () => {
    @Injectable()
    class Counter {
      @CachedAIResponse({ operation: 'count' })
      count(text: string): number {
        return text.length;
      }
    }
    const app = await bootModule([CacheModule.forRoot()], [Counter]);
    expect(warnings()).toContainEqual(expect.stringMatching(/Counter\.count is declared to return Number: cached, it returns a Promise/));
    expect(await (app.get(Counter).count('abc') as unknown as Promise<number>)).toBe(3);
  });

  it('skips request-scoped providers (and those depending on one) with one warning each; their methods run uncached', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class PerRequest {
      runs = 0;
      @CachedAIResponse()
      async summarize(text: string): Promise<string> {
        this.runs++;
        return `per request ${text}`;
      }
    }
    @Injectable()
    class DependsOnRequest {
      runs = 0;
      constructor(readonly perRequest: PerRequest) {}
      @CachedAIResponse()
      async sentiment(text: string): Promise<string> {
        this.runs++;
        return text;
      }
    }
    const app = await bootModule([CacheModule.forRoot()], [PerRequest, DependsOnRequest]);
    const contextId = ContextIdFactory.create();
    const perRequest = await app.resolve(PerRequest, contextId);
    expect(await perRequest.summarize('a')).toBe('per request a');
    expect(await perRequest.summarize('a')).toBe('per request a');
    expect(perRequest.runs).toBe(2);
    const dependent = await app.resolve(DependsOnRequest, contextId);
    await dependent.sentiment('b');
    await dependent.sentiment('b');
    expect(dependent.runs).toBe(2);

    expect(warnings().filter((w) => /PerRequest is request-scoped.*summarize is not applied/.test(w))).toHaveLength(1);
    expect(warnings().filter((w) => /DependsOnRequest is request-scoped.*sentiment is not applied/.test(w))).toHaveLength(1);
  });

  it('wraps every instance of a transient provider', async () => {
    let runs = 0;
    @Injectable({ scope: Scope.TRANSIENT })
    class TransientClient {
      @CachedAIResponse()
      async summarize(text: string): Promise<string> {
        runs++;
        return `transient ${text}`;
      }
    }
    @Injectable()
    class ConsumerA {
      constructor(readonly client: TransientClient) {}
    }
    @Injectable()
    class ConsumerB {
      constructor(readonly client: TransientClient) {}
    }
    const app = await bootModule([CacheModule.forRoot()], [TransientClient, ConsumerA, ConsumerB]);
    const a = app.get(ConsumerA).client;
    const b = app.get(ConsumerB).client;
    expect(a).not.toBe(b);
    await a.summarize('t');
    await b.summarize('t');
    await a.summarize('t');
    expect(runs).toBe(1);
  });

  it('ignores the decorator on a controller, with a warning pointing to the service', async () => {
    let runs = 0;
    @Controller()
    class DecoratedController {
      @Get()
      @CachedAIResponse()
      async summarize(): Promise<string> {
        runs++;
        return 'x';
      }
    }
    const app = await bootModule([CacheModule.forRoot()], [], [DecoratedController]);
    expect(warnings()).toContainEqual(expect.stringMatching(/on controller DecoratedController \(summarize\) is ignored/));
    expect(runs).toBe(0);
  });

  it('does not wrap twice a provider registered under two tokens', async () => {
    let runs = 0;
    @Injectable()
    class Aliased {
      @CachedAIResponse()
      async summarize(text: string): Promise<string> {
        runs++;
        return text;
      }
    }
    const app = await bootModule([CacheModule.forRoot()], [Aliased, { provide: 'ALIAS', useExisting: Aliased }]);
    const aliased = app.get(Aliased);
    expect(app.get('ALIAS')).toBe(aliased);
    await aliased.summarize('once');
    await aliased.summarize('once');
    expect(runs).toBe(1);
    const cache = app.get(AIResponseCacheService);
    expect(await cache.getCachedResponse({ text: 'once', operation: 'summarize' })).toMatchObject({ response: 'once' });
  });
});

// ---- several CacheModules in one process ----

@Injectable()
class ServiceA {
  runs = 0;
  constructor(readonly cache: AIResponseCacheService) {}
  @CachedAIResponse()
  async summarize(text: string): Promise<string> {
    this.runs++;
    return `A ${text}`;
  }
}

@Injectable()
class ServiceB {
  runs = 0;
  constructor(readonly cache: AIResponseCacheService) {}
  @CachedAIResponse()
  async summarize(text: string): Promise<string> {
    this.runs++;
    return `B ${text}`;
  }
}

@Injectable()
class Orphan {
  runs = 0;
  @CachedAIResponse()
  async summarize(text: string): Promise<string> {
    this.runs++;
    return text;
  }
}

describe.each<Driver>(['memory', 'redis'])('several CacheModules with different namespaces (%s driver)', (driver) => {
  it('each non-global CacheModule caches the decorated methods of the modules that import it', async () => {
    const optionsA = cacheOptions(driver, harness.namespace('ns_a'));
    const optionsB = cacheOptions(driver, harness.namespace('ns_b'));
    @Module({ imports: [CacheModule.forRoot({ ...optionsA, isGlobal: false })], providers: [ServiceA] })
    class FeatureA {}
    @Module({ imports: [CacheModule.forRoot({ ...optionsB, isGlobal: false })], providers: [ServiceB] })
    class FeatureB {}

    const app = await bootModule([FeatureA, FeatureB]);
    const a = app.get(ServiceA);
    const b = app.get(ServiceB);
    expect(a.cache).not.toBe(b.cache);

    expect(await a.summarize('same text')).toBe('A same text');
    expect(await b.summarize('same text')).toBe('B same text');
    expect(await a.summarize('same text')).toBe('A same text');
    expect(await b.summarize('same text')).toBe('B same text');
    expect([a.runs, b.runs]).toEqual([1, 1]);

    const request = { text: 'same text', operation: 'summarize' };
    expect(await a.cache.getCachedResponse(request)).toMatchObject({ response: 'A same text' });
    expect(await b.cache.getCachedResponse(request)).toMatchObject({ response: 'B same text' });
    // Invalidating one namespace leaves the other alone.
    expect(await a.cache.invalidateAll()).toBe(1);
    expect(await b.cache.getCachedResponse(request)).toMatchObject({ response: 'B same text' });
  });

  it('a global CacheModule serves every module, except those importing their own', async () => {
    const global = cacheOptions(driver, harness.namespace('ns_global'));
    const local = cacheOptions(driver, harness.namespace('ns_local'));
    @Module({ providers: [ServiceA] })
    class UsesGlobal {}
    @Module({ imports: [CacheModule.forRoot({ ...local, isGlobal: false })], providers: [ServiceB] })
    class HasItsOwn {}

    const app = await bootModule([CacheModule.forRoot(global), UsesGlobal, HasItsOwn]);
    const a = app.get(ServiceA);
    const b = app.get(ServiceB);
    await a.summarize('t');
    await b.summarize('t');
    await a.summarize('t');
    await b.summarize('t');
    expect([a.runs, b.runs]).toEqual([1, 1]);
    expect(await a.cache.getCachedResponse({ text: 't', operation: 'summarize' })).toMatchObject({ response: 'A t' });
    expect(await b.cache.getCachedResponse({ text: 't', operation: 'summarize' })).toMatchObject({ response: 'B t' });
    expect(a.cache).not.toBe(b.cache);
  });

  it('warns about, and leaves uncached, a decorated provider whose module sees no CacheModule', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    @Module({ imports: [CacheModule.forRoot({ ...cacheOptions(driver), isGlobal: false })], providers: [ServiceA] })
    class WithCache {}
    @Module({ providers: [Orphan] })
    class WithoutCache {}
    const app = await bootModule([WithCache, WithoutCache]);
    const orphan = app.get(Orphan);
    await orphan.summarize('o');
    await orphan.summarize('o');
    expect(orphan.runs).toBe(2);
    expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => /Orphan cannot inject AIResponseCacheService/.test(m))).toHaveLength(1);
    warn.mockRestore();
  });
});
