import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { AIResponseCacheService } from '@app/ai-cache';
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
 * Text operations, each answered from the cache when possible. One method per operation, with the
 * `(text, options?, question?)` shape, so each can later carry `@CachedAIResponse()` instead of
 * calling the cache itself.
 */
@Injectable()
export class TextProcessorService {
  /**
   * Whether the model ran for the current `process()` call. An async-local flag rather than a
   * second cache lookup: it is race-free, costs no extra read, and still works once the operation
   * methods are wrapped by the decorator (the flag is set wherever the model is actually called).
   */
  private readonly modelCalls = new AsyncLocalStorage<{ modelCalled: boolean }>();

  constructor(
    private readonly cache: AIResponseCacheService,
    @Inject(LLM_CLIENT) private readonly llm: LlmClient,
  ) {}

  async process<O extends TextOperation>(request: TextRequest<O>): Promise<ProcessOutcome<O>> {
    const tracker = { modelCalled: false };
    const started = performance.now();
    const completion = (await this.modelCalls.run(tracker, () => this.dispatch(request))) as LlmCompletion<
      OperationResults[O]
    >;
    return {
      operation: request.operation,
      result: completion.result,
      cached: !tracker.modelCalled,
      processingTimeMs: Math.round((performance.now() - started) * 100) / 100,
      usage: completion.usage,
      model: completion.model,
    };
  }

  summarize(text: string, options?: Options): Promise<LlmCompletion<string>> {
    return this.cached(requestOf('summarize', text, options));
  }

  sentiment(text: string, options?: Options): Promise<LlmCompletion<SentimentResult>> {
    return this.cached(requestOf('sentiment', text, options));
  }

  keyPoints(text: string, options?: Options): Promise<LlmCompletion<string[]>> {
    return this.cached(requestOf('key_points', text, options));
  }

  questions(text: string, options?: Options): Promise<LlmCompletion<string[]>> {
    return this.cached(requestOf('questions', text, options));
  }

  qa(text: string, options: Options | undefined, question: string): Promise<LlmCompletion<string>> {
    return this.cached(requestOf('qa', text, options, question));
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

  private cached<O extends TextOperation>(request: TextRequest<O>): Promise<LlmCompletion<OperationResults[O]>> {
    return this.cache.getOrCompute(request, () => this.callModel(request));
  }

  private callModel<O extends TextOperation>(request: TextRequest<O>): Promise<LlmCompletion<OperationResults[O]>> {
    const tracker = this.modelCalls.getStore();
    if (tracker) tracker.modelCalled = true;
    return this.llm.complete(request);
  }
}

/** Leaves absent fields out, so `{ options: undefined }` and no options are one and the same request. */
function requestOf<O extends TextOperation>(operation: O, text: string, options?: Options, question?: string): TextRequest<O> {
  const request: TextRequest<O> = { operation, text };
  if (options !== undefined) request.options = options;
  if (question !== undefined) request.question = question;
  return request;
}
