import type { AIRequest } from '../../interfaces/ai-request.interface';
import { assertJsonCompatible } from '../../keys/canonical-json';
import { toRevivableJson } from '../revivable-json';
import type { LanguageModelCallOptions, WrappedLanguageModel } from './ai-sdk.types';

/** A model call is answered as one result (`generateText`) or as stream parts (`streamText`): never one for the other. */
export type LanguageModelCallKind = 'generate' | 'stream';

/**
 * The AIRequest of one language-model call: `text` is the JSON of the prompt (system, user,
 * assistant and tool messages, files included; hashed, never shown in keys), `options` every other
 * call option (maxOutputTokens, temperature, stopSequences, topP, topK, penalties, responseFormat,
 * seed, tools, toolChoice, includeRawChunks, providerOptions, and any option a later AI SDK adds)
 * beside the model (`@provider`, `@modelId`) and the kind of call (`@call`), under names no call
 * option can have. Left out: `abortSignal` and `headers`, which change how the call travels, not
 * what the model answers.
 *
 * The prompt is written with JSON.stringify, not canonically: the AI SDK builds it itself, always
 * in the same key order, and the native serializer is much cheaper than the canonical walk (at
 * worst a differently ordered prompt is a miss, never a wrong answer). Dates, bytes and URLs enter the
 * key by value (their revivable JSON). Anything JSON cannot represent faithfully makes this throw
 * a TypeError naming the path.
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
  const keyedPrompt = toRevivableJson(prompt);
  const options = toRevivableJson(settings) as Record<string, unknown>;
  // Checked here, not left to the key builder: such a call must run uncached, never fail.
  assertJsonCompatible(keyedPrompt, 'params.prompt');
  assertJsonCompatible(options, 'params');
  // Assigned, not spread into a new literal: `options` is ours (the rest of params, or its copy),
  // and the spread was the dearest step of the mapping (bench: adapters scenario).
  options['@provider'] = model.provider;
  options['@modelId'] = model.modelId;
  options['@call'] = call;
  return { text: JSON.stringify(keyedPrompt), operation, options };
}
