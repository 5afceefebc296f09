import { BaseCache } from '@langchain/core/caches';
import { langchainCaches } from './langchain-core.peer';

describe('langchainCaches', () => {
  it('is the installed @langchain/core/caches: the BaseCache models check, and its generation (de)serializers', () => {
    expect(langchainCaches.BaseCache).toBe(BaseCache);
    expect(typeof langchainCaches.serializeGeneration).toBe('function');
    expect(typeof langchainCaches.deserializeStoredGeneration).toBe('function');
  });
});
