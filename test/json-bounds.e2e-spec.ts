/**
 * The JSON bounds (MAX_JSON_DEPTH levels, MAX_JSON_LENGTH characters) through the public service,
 * on a real module: request options and cached values beyond them are refused with a TypeError
 * naming the path, instead of a stack overflow (RangeError) or a process out of heap; nothing is
 * written, and the cache keeps working.
 */
import { Test } from '@nestjs/testing';
import { AIResponseCacheService, CacheModule, MAX_JSON_DEPTH, MAX_JSON_LENGTH } from '@app/ai-cache';
import type { INestApplication } from '@nestjs/common';

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < levels; level++) value = { a: value };
  return value;
}

describe('JSON bounds through AIResponseCacheService (memory driver)', () => {
  let app: INestApplication;
  let cache: AIResponseCacheService;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CacheModule.forRoot({ namespace: 'bounds' })] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    cache = app.get(AIResponseCacheService);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('buildKey: options nested 5000 deep are a TypeError naming the path', () => {
    const request = { text: 't', operation: 'summarize', options: nested(5000) };
    expect(() => cache.buildKey(request)).toThrow(TypeError);
    expect(() => cache.buildKey(request)).toThrow(new RegExp(`^Cannot serialize options(\\.a){${MAX_JSON_DEPTH}}: nested deeper than ${MAX_JSON_DEPTH} levels$`));
  });

  it('buildKey: options: { a: new Array(1e8) } is a TypeError naming options.a, at once', () => {
    expect(() => cache.buildKey({ text: 't', operation: 'summarize', options: { a: new Array(1e8) } })).toThrow(
      `Cannot serialize options.a: its JSON would exceed ${MAX_JSON_LENGTH} characters (100000000 items)`,
    );
  });

  it('getOrCompute with such options rejects before calling the model', async () => {
    const compute = jest.fn(async () => 'answer');
    await expect(cache.getOrCompute({ text: 't', operation: 'qa', options: nested(5000) }, compute)).rejects.toThrow(TypeError);
    expect(compute).not.toHaveBeenCalled();
  });

  it('set and cacheResponse: values beyond the bounds are refused, nothing is written', async () => {
    await expect(cache.set('deep', nested(5000))).rejects.toThrow(/^Cannot serialize value(\.a)+: nested deeper than 100 levels$/);
    await expect(cache.set('long', { list: new Array(1e8) })).rejects.toThrow(/^Cannot serialize value\.list: its JSON would exceed/);
    const request = { text: 't', operation: 'summarize' };
    await expect(cache.cacheResponse(request, { tokens: new Array(1e8) })).rejects.toThrow(/^Cannot serialize value\.tokens: its JSON would exceed/);
    expect(await cache.exists('deep')).toBe(false);
    expect(await cache.exists('long')).toBe(false);
    expect(await cache.getCachedResponse(request)).toBeUndefined();
  });

  it('accepts values right at the depth bound, and keeps working', async () => {
    await cache.set('at-bound', nested(MAX_JSON_DEPTH));
    expect(await cache.get('at-bound')).toEqual(nested(MAX_JSON_DEPTH));
  });
});
