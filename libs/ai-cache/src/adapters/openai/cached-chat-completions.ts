import { Logger } from '@nestjs/common';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  Completions,
} from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import type { AIResponseCacheService } from '../../ai-response-cache.service';
import type { AIRequest } from '../../interfaces/ai-request.interface';
import type { StreamOutcome } from '../../streams/cached-stream';
import { type AICacheAdapterOptions, adapterCall, recordAdapterOutcome, resolveAdapterOptions } from '../adapter-options';
import { requirePeer } from '../require-peer';
import { isChatCompletion, isCompleteChatStream } from './chat-completion-shape';
import { chatCompletionRequest } from './chat-completion-request';
import { replayAsSdkStream } from './sdk-stream';

/** The SDK's per-request options (`signal`, `timeout`, `headers`, …), as `create` takes them. */
export type ChatRequestOptions = NonNullable<Parameters<Completions['create']>[1]>;

/**
 * What `withAICache` wraps: an `OpenAI` (or `AzureOpenAI`) client, or anything with its
 * `chat.completions.create`. Structural on purpose: an ESM app sees the SDK's ESM typings and a
 * CommonJS one its CommonJS typings, two sets of branded types that do not mix, so nothing here may
 * name the SDK's own types (the wrapped client's types are kept as they are, see AICachedOpenAI).
 */
export interface ChatCompletionsClient {
  /** Enters the key: two servers may answer one model name differently. */
  readonly baseURL?: string;
  readonly chat: { readonly completions: { create(...args: never[]): unknown } };
}

/** The SDK's client as this package's own typings see it: the default when no client type is given. */
interface SdkChatCompletionsClient {
  readonly baseURL?: string;
  readonly chat: { readonly completions: AICachedChatCompletions };
}

/** `chat.completions.create` with the SDK's overloads: a ChatCompletion, or with `stream: true` the SDK's Stream of chunks. */
export interface AICachedChatCompletions {
  create(body: ChatCompletionCreateParamsNonStreaming, options?: ChatRequestOptions): Promise<ChatCompletion>;
  create(body: ChatCompletionCreateParamsStreaming, options?: ChatRequestOptions): Promise<Stream<ChatCompletionChunk>>;
  create(body: ChatCompletionCreateParamsBase, options?: ChatRequestOptions): Promise<Stream<ChatCompletionChunk> | ChatCompletion>;
}

/** What `withAICache` returns: `chat.completions.create` with exactly the wrapped client's signature. */
export interface AICachedOpenAI<C extends ChatCompletionsClient = SdkChatCompletionsClient> {
  readonly chat: { readonly completions: { readonly create: C['chat']['completions']['create'] } };
}

export interface WithAICacheOptions extends AICacheAdapterOptions {
  /** Default `'chat'`. */
  operation?: string;
}

/**
 * Request options that change which request is sent: such calls go to the SDK uncached, because
 * the cache cannot tell what they ask for. `signal`, `timeout`, `headers` and retries do not.
 */
const REQUEST_OVERRIDES = ['method', 'path', 'query', 'body'] as const;

/** A gateway's HTML page or an empty body comes back from the SDK as a string: never an answer to replay. */
const notACompletion = (result: unknown): boolean => !isChatCompletion(result);

const StreamClass = requirePeer<typeof import('openai/streaming')>({
  module: 'openai/streaming',
  entry: 'nestjs-ai-cache/openai',
  install: 'openai@^6',
}).Stream;

/**
 * Wraps an `openai` client: `chat.completions.create` answers from the cache when it can, through
 * `AIResponseCacheService` (keys, TTLs, single flight, tenants from AICacheContext, metrics,
 * invalidation by operation). Plain calls store the ChatCompletion; `stream: true` calls store the
 * chunks of a complete stream and replay them as a real SDK `Stream` (`for await`,
 * `toReadableStream()`, `tee()`). Errors, non-completions and cut-short streams are never stored.
 * Identical concurrent calls share one upstream request, made with the first caller's options.
 */
export function withAICache<C extends ChatCompletionsClient>(client: C, cache: AIResponseCacheService, options?: WithAICacheOptions): AICachedOpenAI<C> {
  if (typeof client?.chat?.completions?.create !== 'function') {
    throw new TypeError('withAICache: client must be an OpenAI client (an object with chat.completions.create)');
  }
  if (typeof cache?.getOrComputeWithStatus !== 'function') {
    throw new TypeError('withAICache: cache must be the AIResponseCacheService (inject it, or app.get(AIResponseCacheService))');
  }
  const adapter = resolveAdapterOptions(options, 'chat', 'withAICache');
  // The SDK's own method, seen through this package's typings of it (see ChatCompletionsClient).
  const completions = client.chat.completions as unknown as Pick<Completions, 'create'>;
  const logger = new Logger('AICache');
  let bypassLogged = false;

  const endpoint = { baseURL: client.baseURL };

  function keyOf(body: ChatCompletionCreateParamsBase, requestOptions: ChatRequestOptions | undefined): AIRequest | undefined {
    const override = requestOptions && REQUEST_OVERRIDES.find((name) => requestOptions[name] !== undefined);
    try {
      if (override) throw new TypeError(`request option '${override}' changes the request`);
      return chatCompletionRequest(body, adapter.operation, endpoint);
    } catch (error) {
      if (!bypassLogged) {
        bypassLogged = true;
        logger.warn(`withAICache: calling the model uncached: ${(error as Error).message}. Further such calls are not logged.`);
      }
      return undefined;
    }
  }

  async function createCompletion(body: ChatCompletionCreateParamsNonStreaming, requestOptions?: ChatRequestOptions): Promise<ChatCompletion> {
    const request = keyOf(body, requestOptions);
    if (!request) return completions.create(body, requestOptions);
    const call = adapterCall<ChatCompletion>(adapter);
    call.options.unless = notACompletion;
    const outcome = await cache.getOrComputeWithStatus(request, () => completions.create(body, requestOptions), call.options);
    recordAdapterOutcome(call, outcome.status);
    return outcome.value;
  }

  async function createStream(body: ChatCompletionCreateParamsStreaming, requestOptions?: ChatRequestOptions): Promise<Stream<ChatCompletionChunk>> {
    const request = keyOf(body, requestOptions);
    if (!request) return completions.create(body, requestOptions);
    const call = adapterCall<ChatCompletionChunk[]>(adapter);
    let cutShort = false;
    const chunks = cache.getOrComputeStream<ChatCompletionChunk>(
      request,
      async function* upstream() {
        const stream = await completions.create(body, requestOptions);
        yield* stream;
        // The SDK ends an aborted stream quietly, as if it were complete.
        if (stream.controller.signal.aborted) cutShort = true;
      },
      Object.assign(call.options, {
        onOutcome: ({ status }: StreamOutcome) => recordAdapterOutcome(call, status),
        unless: (recorded: ChatCompletionChunk[]) => cutShort || !isCompleteChatStream(recorded, body),
      }),
    );
    return replayAsSdkStream(chunks, StreamClass);
  }

  function create(body: ChatCompletionCreateParamsBase, requestOptions?: ChatRequestOptions): Promise<Stream<ChatCompletionChunk> | ChatCompletion> {
    return body?.stream === true
      ? createStream(body as ChatCompletionCreateParamsStreaming, requestOptions)
      : createCompletion(body as ChatCompletionCreateParamsNonStreaming, requestOptions);
  }

  return { chat: { completions: { create: create as unknown as C['chat']['completions']['create'] } } };
}
