import type { AIRequest } from '../../interfaces/ai-request.interface';
import { canonicalJson } from '../../keys/canonical-json';
import { toRevivableJson } from '../revivable-json';
import type { LanguageModelCallOptions, WrappedLanguageModel } from './ai-sdk.types';

/** A model call is answered as one result (`generateText`) or as stream parts (`streamText`): never one for the other. */
export type LanguageModelCallKind = 'generate' | 'stream';

/**
 * The AIRequest of one language-model call: `text` is the canonical JSON of the prompt (system,
 * user, assistant and tool messages, files included; hashed, never shown in keys), `options` the
 * model (provider + modelId), the kind of call and every other call option (maxOutputTokens,
 * temperature, stopSequences, topP, topK, penalties, responseFormat, seed, tools, toolChoice,
 * includeRawChunks, providerOptions, and any option a later AI SDK adds). Left out: `abortSignal`
 * and `headers`, which change how the call travels, not what the model answers.
 *
 * Dates, bytes and URLs in the prompt enter the key by value (their revivable JSON). Anything JSON
 * cannot represent faithfully makes this throw a TypeError naming the path.
 */
export function languageModelCallRequest(
  model: Pick<WrappedLanguageModel, 'provider' | 'modelId'>,
  params: LanguageModelCallOptions,
  call: LanguageModelCallKind,
  operation: string,
): AIRequest {
  const { prompt, abortSignal, headers, ...settings } = params;
  void abortSignal;
  void headers;
  return {
    text: canonicalJson(toRevivableJson(prompt), 'params.prompt'),
    operation,
    options: { model: { provider: model.provider, modelId: model.modelId }, call, settings: toRevivableJson(settings) as Record<string, unknown> },
  };
}
