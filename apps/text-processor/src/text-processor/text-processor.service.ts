import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { AICacheContext, CachedAIResponse } from '@app/ai-cache';
import type { OperationResults, SentimentResult, TextOperation } from '../operations/text-operation';
import { LLM_CLIENT, type LlmClient, type LlmCompletion, type TextRequest, type TokenUsage } from '../llm/llm-client.interface';

type Options = Record<string, unknown>;

export interface ProcessOutcome<O extends TextOperation = TextOperation> {
  operation: O;
  result: OperationResults[O];
  /**
   * True when this request did not make the model run: it was answered from the cache, or it
   * shared the result of an identical request already in flight (getOrCompute coalesces them).
   */
  cached: boolean;
  processingTimeMs: number;
  /** The tokens the answer cost when it was computed (so, on a hit, the tokens saved). */
  usage: TokenUsage;
  model: string;
}

/**
 * Text operations, each a model call cached by `@CachedAIResponse()`: the operation name picks the
 * TTL (summarize 2 h, sentiment 24 h, …), the `(text, options?, question?)` arguments make the key,
 * and identical concurrent calls reach the model once.
 *
 * A client that caches its own calls (`cachesCalls`: the OpenAI-compatible one, through
 * `withAICache`, keyed on the exact chat request and filed under the same operation names) is
 * called directly by `process()`: caching its answer here too would store it twice, and an
 * invalidation would have to find both.
 */
@Injectable()
export class TextProcessorService {
  constructor(@Inject(LLM_CLIENT) private readonly llm: LlmClient) {}

  async process<O extends TextOperation>(request: TextRequest<O>): Promise<ProcessOutcome<O>> {
    const started = performance.now();
    // A nested context inherits the request's tenant and Cache-Control, and counts this call's outcomes only.
    const { completion, modelCalled } = await AICacheContext.run({}, async () => {
      const completion = (await (this.llm.cachesCalls ? this.llm.complete(request) : this.dispatch(request))) as LlmCompletion<OperationResults[O]>;
      return { completion, modelCalled: (AICacheContext.outcome()?.misses ?? 0) > 0 };
    });
    return {
      operation: request.operation,
      result: completion.result,
      cached: !modelCalled,
      processingTimeMs: Math.round((performance.now() - started) * 100) / 100,
      usage: completion.usage,
      model: completion.model,
    };
  }

  @CachedAIResponse()
  summarize(text: string, options?: Options): Promise<LlmCompletion<string>> {
    return this.llm.complete(requestOf('summarize', text, options));
  }

  @CachedAIResponse()
  sentiment(text: string, options?: Options): Promise<LlmCompletion<SentimentResult>> {
    return this.llm.complete(requestOf('sentiment', text, options));
  }

  @CachedAIResponse({ operation: 'key_points' })
  keyPoints(text: string, options?: Options): Promise<LlmCompletion<string[]>> {
    return this.llm.complete(requestOf('key_points', text, options));
  }

  @CachedAIResponse()
  questions(text: string, options?: Options): Promise<LlmCompletion<string[]>> {
    return this.llm.complete(requestOf('questions', text, options));
  }

  @CachedAIResponse()
  qa(text: string, options: Options | undefined, question: string): Promise<LlmCompletion<string>> {
    return this.llm.complete(requestOf('qa', text, options, question));
  }

  private dispatch(request: TextRequest): Promise<LlmCompletion<unknown>> {
    const { text, options, question } = request;
    switch (request.operation) {
      case 'summarize':
        return this.summarize(text, options);
      case 'sentiment':
        return this.sentiment(text, options);
      case 'key_points':
        return this.keyPoints(text, options);
      case 'questions':
        return this.questions(text, options);
      case 'qa':
        return this.qa(text, options, question ?? '');
    }
  }
}

/** Leaves absent fields out, so `{ options: undefined }` and no options are one and the same request. */
function requestOf<O extends TextOperation>(operation: O, text: string, options?: Options, question?: string): TextRequest<O> {
  const request: TextRequest<O> = { operation, text };
  if (options !== undefined) request.options = options;
  if (question !== undefined) request.question = question;
  return request;
}
