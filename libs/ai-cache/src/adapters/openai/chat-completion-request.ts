import type { AIRequest } from '../../interfaces/ai-request.interface';
import { canonicalJson } from '../../keys/canonical-json';
import { describeType, isPlainObject } from '../../utils/type-guards';

/**
 * Chat Completions parameters that never change what the model answers, and so stay out of the key.
 * Everything else enters it, including parameters added to the API after this list was written:
 * a needless miss costs one model call, a missing parameter would replay a wrong answer.
 */
export const CHAT_PARAMS_LEFT_OUT_OF_KEY: ReadonlySet<string> = new Set([
  'user', // end-user id for abuse monitoring (deprecated for safety_identifier)
  'safety_identifier', // the same, hashed by the caller
  'store', // whether OpenAI keeps the completion for evals/distillation
  'metadata', // tags of a stored completion
  'prompt_cache_key', // routing hint of the provider's own prompt cache
  'prompt_cache_retention', // how long the provider keeps that prompt cache
  'prompt_cache_options', // options of that prompt cache
]);

/** Where the call goes: two servers (OpenAI, a local vLLM) may answer one model name differently. */
export interface ChatCompletionEndpoint {
  baseURL?: string;
}

/**
 * The AIRequest of a Chat Completions call: `text` is the canonical JSON of `messages` (hashed,
 * never shown in keys); `options.params` holds every other parameter but those of
 * {@link CHAT_PARAMS_LEFT_OUT_OF_KEY}, and `options.baseURL` the endpoint when given. `stream: true`
 * enters the key (a stream is stored as its chunks, a plain call as one ChatCompletion); `stream:
 * false`, `null` and no `stream` are one request. `stream_options` enters it too (`include_usage`
 * adds a chunk). `withAICache` passes the client's `baseURL`: pass the same `endpoint` to find its
 * entries with `getCachedResponse`.
 */
export function chatCompletionRequest(params: object, operation = 'chat', endpoint: ChatCompletionEndpoint = {}): AIRequest {
  if (!isPlainObject(params)) {
    throw new TypeError(`chatCompletionRequest: params must be the object passed to chat.completions.create(), got ${describeType(params)}`);
  }
  const { messages, stream, ...rest } = params as Record<string, unknown>;
  if (!Array.isArray(messages)) throw new TypeError(`chatCompletionRequest: params.messages must be an array, got ${describeType(messages)}`);
  const keyed: Record<string, unknown> = {};
  for (const name of Object.keys(rest)) {
    if (!CHAT_PARAMS_LEFT_OUT_OF_KEY.has(name)) keyed[name] = rest[name];
  }
  if (stream !== undefined && stream !== null && stream !== false) keyed.stream = stream;
  const options: Record<string, unknown> = { params: keyed };
  if (endpoint.baseURL !== undefined) options.baseURL = endpoint.baseURL;
  return { text: canonicalJson(messages, 'params.messages'), operation, options };
}
