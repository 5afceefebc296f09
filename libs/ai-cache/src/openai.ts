/**
 * nestjs-ai-cache/openai: caches the `openai` SDK's Chat Completions, plain and streamed. A
 * separate entry point, so that the main one never loads `openai` (an optional peer dependency).
 *
 * ```ts
 * import { withAICache, chatCompletionRequest } from 'nestjs-ai-cache/openai';
 * ```
 */
export {
  withAICache,
  type AICachedChatCompletions,
  type AICachedOpenAI,
  type ChatCompletionsClient,
  type ChatRequestOptions,
  type WithAICacheOptions,
} from './adapters/openai/cached-chat-completions';
export { chatCompletionRequest, CHAT_PARAMS_LEFT_OUT_OF_KEY, type ChatCompletionEndpoint } from './adapters/openai/chat-completion-request';
