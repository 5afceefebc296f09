import { requirePeer } from '../require-peer';

/**
 * `@langchain/core/caches`, loaded once for the LangChain adapter: BaseCache and the package's own
 * (de)serialization of stored generations. Missing, it fails the `nestjs-ai-cache/langchain`
 * import with what to install, never the main entry.
 */
export const langchainCaches = requirePeer<typeof import('@langchain/core/caches')>({
  module: '@langchain/core/caches',
  entry: 'nestjs-ai-cache/langchain',
  install: '@langchain/core@^1',
});
