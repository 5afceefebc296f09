/**
 * nestjs-ai-cache/ai-sdk: a Vercel AI SDK language-model middleware backed by AIResponseCacheService.
 * A separate entry point, so that the main one never loads `ai` (an optional peer dependency).
 *
 * ```ts
 * import { aiCacheMiddleware } from 'nestjs-ai-cache/ai-sdk';
 * ```
 */
import { assertAiSdkInstalled } from './adapters/ai-sdk/ai-peer';

assertAiSdkInstalled();

export { aiCacheMiddleware, type AICacheMiddlewareOptions } from './adapters/ai-sdk/ai-cache.middleware';
export { languageModelCallRequest, type LanguageModelCallKind } from './adapters/ai-sdk/language-model-call-request';
