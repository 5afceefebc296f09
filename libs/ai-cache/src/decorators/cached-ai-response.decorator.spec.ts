import { CACHED_AI_RESPONSE_METADATA, CachedAIResponse } from './cached-ai-response.decorator';

describe('@CachedAIResponse()', () => {
  it('only stores metadata on the method: the function itself is unchanged', () => {
    const body = async function summarize(text: string) {
      return text;
    };
    class Service {}
    const descriptor = { value: body, writable: true, enumerable: false, configurable: true };
    CachedAIResponse({ ttl: 60 })(Service.prototype, 'summarize', descriptor);
    expect(descriptor.value).toBe(body);
    expect(Reflect.getMetadata(CACHED_AI_RESPONSE_METADATA, body)).toEqual({ ttl: 60, methodName: 'summarize' });
  });

  it('records the name the method was declared with, and the options as given', () => {
    const mapper = (dto: { text: string }) => ({ text: dto.text });
    class Service {
      @CachedAIResponse({ operation: 'key_points', request: mapper })
      async keyPoints(dto: { text: string }) {
        return dto.text;
      }
      @CachedAIResponse()
      async plain(text: string) {
        return text;
      }
    }
    expect(Reflect.getMetadata(CACHED_AI_RESPONSE_METADATA, Service.prototype.keyPoints)).toEqual({
      operation: 'key_points',
      request: mapper,
      methodName: 'keyPoints',
    });
    expect(Reflect.getMetadata(CACHED_AI_RESPONSE_METADATA, Service.prototype.plain)).toEqual({ methodName: 'plain' });
  });

  it('leaves undecorated methods without metadata', () => {
    class Service {
      async other(text: string) {
        return text;
      }
    }
    expect(Reflect.getMetadata(CACHED_AI_RESPONSE_METADATA, Service.prototype.other)).toBeUndefined();
  });

  it('refuses static methods, accessors and non-object options', () => {
    class Host {}
    const method = { value: () => 1 };
    expect(() => CachedAIResponse()(Host, 'make', method)).toThrow(/static method Host\.make/);
    expect(() => CachedAIResponse()(Host.prototype, 'size', { get: () => 1 } as never)).toThrow(/Host\.size: it decorates methods/);
    expect(() => CachedAIResponse(null as never)(Host.prototype, 'run', method)).toThrow(/options must be an object/);
  });
});
