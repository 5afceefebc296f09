import { Reflector } from '@nestjs/core';
import { CachedAIResponse } from './cached-ai-response.decorator';
import { CachedAIResponseMetadataAccessor } from './cached-ai-response.metadata-accessor';

describe('CachedAIResponseMetadataAccessor', () => {
  const accessor = new CachedAIResponseMetadataAccessor(new Reflector());

  class Service {
    @CachedAIResponse({ operation: 'qa' })
    async answer(text: string) {
      return text;
    }
    async plain(text: string) {
      return text;
    }
  }

  it('reads the decorator metadata of a decorated method', () => {
    expect(accessor.getMetadata(Service.prototype.answer)).toEqual({ operation: 'qa', methodName: 'answer' });
  });

  it('answers undefined for other methods and for non-functions', () => {
    expect(accessor.getMetadata(Service.prototype.plain)).toBeUndefined();
    expect(accessor.getMetadata(undefined)).toBeUndefined();
    expect(accessor.getMetadata('answer')).toBeUndefined();
  });
});
