import type { AIRequest } from '../../interfaces/ai-request.interface';
import { assertJsonCompatible, canonicalJson } from '../../keys/canonical-json';
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

/** The option that carries the endpoint in the request. */
export const ENDPOINT_OPTION = '@baseURL';

/** Where the call goes: two servers (OpenAI, a local vLLM) may answer one model name differently. */
export interface ChatCompletionEndpoint {
  baseURL?: string;
}

/**
 * The AIRequest of a Chat Completions call: `text` is the canonical JSON of `messages` (hashed,
 * never shown in keys), `options` every other parameter but those of
 * {@link CHAT_PARAMS_LEFT_OUT_OF_KEY}, and the endpoint under `'@baseURL'` when given. `stream: true`
 * enters the key (a stream is stored as its chunks, a plain call as one ChatCompletion); `stream:
 * false`, `null` and no `stream` are one request. `stream_options` enters it too (`include_usage`
 * adds a chunk). `withAICache` passes the client's `baseURL`: pass the same `endpoint` to find its
 * entries with `getCachedResponse`.
 */
export function chatCompletionRequest(params: object, operation = 'chat', endpoint: ChatCompletionEndpoint = {}): AIRequest {
  if (!isPlainObject(params)) {
    throw new TypeError(`chatCompletionRequest: params must be the object passed to chat.completions.create(), got ${describeType(params)}`);
  }
  const { messages, stream } = params as { messages?: unknown; stream?: unknown };
  if (!Array.isArray(messages)) throw new TypeError(`chatCompletionRequest: params.messages must be an array, got ${describeType(messages)}`);
  const keyed: Record<string, unknown> = {};
  for (const name of Object.keys(params)) {
    if (name !== 'messages' && name !== 'stream' && !CHAT_PARAMS_LEFT_OUT_OF_KEY.has(name)) keyed[name] = (params as Record<string, unknown>)[name];
  }
  if (stream !== undefined && stream !== null && stream !== false) keyed.stream = stream;
  // Checked here, not left to the key builder: a value JSON cannot hold faithfully must make the
  // adapter call the model uncached, never fail the call.
  assertJsonCompatible(keyed, 'params');
  // Beside the parameters, flat (the key builder has a fast path for flat records), under a name
  // no API parameter can have: parameters are identifiers.
  if (endpoint.baseURL !== undefined) keyed[ENDPOINT_OPTION] = endpoint.baseURL;
  return { text: canonicalMessages(messages), operation, options: keyed };
}

/**
 * `canonicalJson(messages)`, message by message: the same text (an array's canonical JSON is its
 * items' in order), but each `{ role, content }` message takes canonicalJson's fast path for flat
 * records instead of the general walk.
 */
function canonicalMessages(messages: unknown[]): string {
  let json = '[';
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (index > 0) json += ',';
    json += message === undefined ? 'null' : canonicalJson(message, messagePath(index));
  }
  return `${json}]`;
}

/** Error-message paths of the first messages, built once: a conversation is keyed on every call. */
const MESSAGE_PATHS = Array.from({ length: 32 }, (_, index) => `params.messages[${index}]`);

function messagePath(index: number): string {
  return MESSAGE_PATHS[index] ?? `params.messages[${index}]`;
}
