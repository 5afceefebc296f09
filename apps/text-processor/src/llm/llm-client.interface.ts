import type { OperationResults, TextOperation } from '../operations/text-operation';

/** One text-processing request; structurally an `AIRequest` of the cache library. */
export interface TextRequest<O extends TextOperation = TextOperation> {
  operation: O;
  text: string;
  options?: Record<string, unknown>;
  /** Only for `qa`. */
  question?: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * What a model call returns, and what the cache stores: the usage travels with the result so that
 * a hit can later be counted as tokens saved.
 */
export interface LlmCompletion<T = unknown> {
  result: T;
  usage: TokenUsage;
  /** The model that produced the result. */
  model: string;
}

export interface LlmClient {
  complete<O extends TextOperation>(request: TextRequest<O>): Promise<LlmCompletion<OperationResults[O]>>;
  /**
   * True when the client caches its own model calls (the OpenAI-compatible client, through
   * `withAICache`): TextProcessorService then calls it directly rather than through its
   * `@CachedAIResponse()` methods, so that no answer is cached twice.
   */
  readonly cachesCalls?: boolean;
}

/** Injection token of the configured LlmClient (fake or OpenAI-compatible). */
export const LLM_CLIENT = Symbol('LLM_CLIENT');
