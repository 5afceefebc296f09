/**
 * nestjs-ai-cache/langchain: a LangChain.js `BaseCache` backed by AIResponseCacheService. A separate
 * entry point, so that the main one never loads `@langchain/core` (an optional peer dependency).
 *
 * ```ts
 * import { LangChainAICache } from 'nestjs-ai-cache/langchain';
 * ```
 */
export { LangChainAICache, type LangChainAICacheOptions } from './adapters/langchain/langchain-ai-cache';
export { type CachedGeneration } from './adapters/langchain/stored-generations';
