import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AIResponseCacheService } from '../ai-response-cache.service';
import { CacheModule } from '../cache.module';
import { CachedAIResponse } from './cached-ai-response.decorator';

class Summarizer {
  runs = 0;

  @CachedAIResponse()
  async summarize(text: string): Promise<string> {
    this.runs++;
    return `s ${text}`;
  }

  async uncached(text: string): Promise<string> {
    this.runs++;
    return text;
  }
}

@Injectable()
class ClassProvided extends Summarizer {}

async function boot(providers: unknown[]) {
  const moduleRef = await Test.createTestingModule({ imports: [CacheModule.forRoot()], providers: providers as never[] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('CachedAIResponseExplorer', () => {
  it('wraps decorated methods of class, factory and value providers, and nothing else', async () => {
    const byValue = new Summarizer();
    const app = await boot([
      ClassProvided,
      { provide: 'FACTORY', useFactory: () => new Summarizer() },
      { provide: 'VALUE', useValue: byValue },
      { provide: 'PLAIN', useValue: { summarize: async () => 'plain object' } },
    ]);
    const instances = { class: app.get(ClassProvided), factory: app.get<Summarizer>('FACTORY'), value: byValue };
    for (const [text, instance] of Object.entries(instances)) {
      await instance.summarize(text);
      await instance.summarize(text);
      await instance.uncached(text);
      await instance.uncached(text);
    }
    // summarize ran once per instance (its second call was a hit), uncached twice.
    expect(Object.values(instances).map((instance) => instance.runs)).toEqual([3, 3, 3]);
    expect(Object.prototype.hasOwnProperty.call(byValue, 'uncached')).toBe(false);
    expect(await app.get<{ summarize: () => Promise<string> }>('PLAIN').summarize()).toBe('plain object');
    await app.close();
  });

  it('uses the AIResponseCacheService of its module', async () => {
    const app = await boot([ClassProvided]);
    await app.get(ClassProvided).summarize('where');
    expect(await app.get(AIResponseCacheService).getCachedResponse({ text: 'where', operation: 'summarize' })).toMatchObject({
      response: 's where',
    });
    await app.close();
  });

  it('leaves alone a method someone replaced on the instance before module init', async () => {
    @Injectable()
    class Patched extends Summarizer {
      constructor() {
        super();
        this.summarize = async (text: string) => `patched ${text}`;
      }
    }
    const app = await boot([Patched]);
    const patched = app.get(Patched);
    expect(await patched.summarize('x')).toBe('patched x');
    expect(await app.get(AIResponseCacheService).getCachedResponse({ text: 'x', operation: 'summarize' })).toBeUndefined();
    await app.close();
  });
});
