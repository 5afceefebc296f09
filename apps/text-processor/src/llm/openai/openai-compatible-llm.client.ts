import OpenAI from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { AIResponseCacheService } from '@app/ai-cache';
import { type AICachedOpenAI, withAICache } from '@app/ai-cache/openai';
import { type OperationResults, TEXT_OPERATIONS, type TextOperation } from '../../operations/text-operation';
import { estimateTokens } from '../token-estimate';
import type { LlmClient, LlmCompletion, TextRequest } from '../llm-client.interface';
import { LlmUpstreamError } from '../llm-upstream.error';
import { buildMessages, parseReply } from './operation-prompts';

export interface OpenAiCompatibleConfig {
  /** Server root, without the trailing `/chat/completions` (e.g. `https://api.openai.com/v1`). */
  baseUrl: string;
  /** Sent as a Bearer token when set; local servers (Ollama, llama.cpp) need none. */
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

type ChatCompletions = Pick<AICachedOpenAI<OpenAI>["chat"]["completions"], "create">;

/**
 * Any server speaking the OpenAI chat completions API (OpenAI, Azure-compatible gateways, vLLM,
 * Ollama…), through the `openai` SDK.
 *
 * Given the cache, the client caches its own model calls with `withAICache`, one wrapper per
 * operation so that each operation keeps its TTL and `invalidateByOperation`: the key is then the
 * exact chat request (model, server, system prompt, temperature, messages), which a change of
 * model or prompt re-keys by itself. It says so with `cachesCalls`, and TextProcessorService then
 * calls it directly instead of through its `@CachedAIResponse()` methods: one answer, one entry.
 */
export class OpenAiCompatibleLlmClient implements LlmClient {
  readonly cachesCalls: boolean;
  private readonly sdk: OpenAI;
  private readonly cached?: Record<TextOperation, AICachedOpenAI<OpenAI>>;

  constructor(
    private readonly config: OpenAiCompatibleConfig,
    cache?: AIResponseCacheService,
  ) {
    this.sdk = new OpenAI({
      baseURL: config.baseUrl,
      // The SDK insists on a key; without one, none is sent (Authorization: null removes the header).
      apiKey: config.apiKey ?? 'no-key',
      defaultHeaders: config.apiKey ? undefined : { Authorization: null },
      // One attempt, as before: a failure reaches the caller (a 502) instead of tripling the wait.
      maxRetries: 0,
    });
    if (cache) {
      const sdk = this.sdk;
      this.cached = Object.fromEntries(TEXT_OPERATIONS.map((operation) => [operation, withAICache(sdk, cache, { operation })])) as Record<TextOperation, AICachedOpenAI<OpenAI>>;
    }
    this.cachesCalls = cache !== undefined;
  }

  async complete<O extends TextOperation>(request: TextRequest<O>): Promise<LlmCompletion<OperationResults[O]>> {
    const messages = buildMessages(request);
    const completions: ChatCompletions = this.cached?.[request.operation].chat.completions ?? this.sdk.chat.completions;
    let answer: unknown;
    // Our own deadline rather than the SDK's `timeout`: the SDK tells its timeout from a connection
    // error by the abort error's class, which differs between realms (under Jest it cannot tell).
    const deadline = AbortSignal.timeout(this.config.timeoutMs);
    try {
      answer = await completions.create(
        {
          model: this.config.model,
          messages,
          // Deterministic by default: a cached answer should be the answer the model would give again.
          temperature: typeof request.options?.temperature === 'number' ? request.options.temperature : 0,
        },
        { signal: deadline },
      );
    } catch (error) {
      throw this.upstreamError(error, deadline.aborted);
    }
    const body = completionBody(answer);
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new LlmUpstreamError('LLM server returned no completion');
    return {
      result: parseReply(request.operation, content),
      usage: {
        promptTokens: count(body.usage?.prompt_tokens) ?? estimateTokens(messages.map((m) => m.content).join('')),
        completionTokens: count(body.usage?.completion_tokens) ?? estimateTokens(content),
      },
      model: typeof body.model === 'string' ? body.model : this.config.model,
    };
  }

  private upstreamError(error: unknown, timedOut: boolean): LlmUpstreamError {
    if (timedOut || error instanceof OpenAI.APIConnectionTimeoutError) {
      // No cause: the SDK's "Request was aborted." only repeats that our deadline passed.
      return new LlmUpstreamError(`LLM server did not answer within ${this.config.timeoutMs} ms`);
    }
    if (error instanceof OpenAI.APIError && error.status !== undefined) {
      return new LlmUpstreamError(`LLM server answered ${error.status}: ${upstreamMessage(error)}`, error.status, { cause: error });
    }
    // fetch reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND…) deeper in its causes.
    return new LlmUpstreamError(`LLM server unreachable (${rootReason(error)})`, undefined, { cause: error });
  }
}

/**
 * The SDK returns a body that is not JSON as a string (a gateway's HTML page, a JSON body sent
 * without its content type): JSON is parsed here, anything else is not a completion.
 */
function completionBody(answer: unknown): Partial<ChatCompletion> {
  if (typeof answer !== 'string') return (answer ?? {}) as Partial<ChatCompletion>;
  try {
    return JSON.parse(answer) as Partial<ChatCompletion>;
  } catch (error) {
    throw new LlmUpstreamError('LLM server returned a body that is not JSON', 200, { cause: error });
  }
}

/** The upstream's own error message when it follows the OpenAI error shape, else the SDK's (without its status prefix). */
function upstreamMessage(error: InstanceType<typeof OpenAI.APIError>): string {
  const message = (error.error as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && message) return message.slice(0, 300);
  return error.message.replace(/^\d{3}\s*/, '').trim().slice(0, 300) || '(empty body)';
}

function rootReason(error: unknown): string {
  let reason: unknown = (error as Error)?.message ?? String(error);
  for (let current = error as { cause?: unknown; code?: unknown } | undefined, depth = 0; current && depth < 5; current = current.cause as typeof current, depth++) {
    if (typeof current.code === 'string') return current.code;
    if (current.cause === undefined && typeof (current as { message?: unknown }).message === 'string') reason = (current as { message: string }).message;
  }
  return String(reason);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
