import type { OperationResults, TextOperation } from '../../operations/text-operation';
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

interface ChatCompletionBody {
  model?: unknown;
  choices?: Array<{ message?: { content?: unknown } }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
}

/** Any server speaking the OpenAI chat completions API: OpenAI, Azure-compatible gateways, vLLM, Ollama… */
export class OpenAiCompatibleLlmClient implements LlmClient {
  constructor(private readonly config: OpenAiCompatibleConfig) {}

  async complete<O extends TextOperation>(request: TextRequest<O>): Promise<LlmCompletion<OperationResults[O]>> {
    const messages = buildMessages(request);
    const body = await this.post({
      model: this.config.model,
      messages,
      // Deterministic by default: a cached answer should be the answer the model would give again.
      temperature: typeof request.options?.temperature === 'number' ? request.options.temperature : 0,
    });
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

  private async post(payload: unknown): Promise<ChatCompletionBody> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.config.baseUrl}/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw this.transportError(error);
    }
    if (!response.ok) {
      throw new LlmUpstreamError(`LLM server answered ${response.status}: ${upstreamMessage(text)}`, response.status);
    }
    try {
      return JSON.parse(text) as ChatCompletionBody;
    } catch (error) {
      throw new LlmUpstreamError('LLM server returned a body that is not JSON', response.status, { cause: error });
    }
  }

  private transportError(error: unknown): LlmUpstreamError {
    // Checked by name: the DOMException class differs between realms (e.g. under Jest).
    if ((error as { name?: unknown })?.name === 'TimeoutError') {
      return new LlmUpstreamError(`LLM server did not answer within ${this.config.timeoutMs} ms`, undefined, { cause: error });
    }
    // fetch reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND…) in its cause.
    const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
    return new LlmUpstreamError(`LLM server unreachable (${String(reason)})`, undefined, { cause: error });
  }
}

/** The upstream's own error message when it follows the OpenAI error shape, else a short preview of the body. */
function upstreamMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } })?.error?.message;
    if (typeof message === 'string' && message) return message.slice(0, 300);
  } catch {
    // not JSON: fall through to the raw preview
  }
  return body.trim().slice(0, 300) || '(empty body)';
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
