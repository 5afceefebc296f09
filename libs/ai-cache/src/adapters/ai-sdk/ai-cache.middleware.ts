import { Logger } from '@nestjs/common';
import type { LanguageModelMiddleware } from 'ai';
import type { AIResponseCacheService } from '../../ai-response-cache.service';
import type { AIRequest } from '../../interfaces/ai-request.interface';
import type { StreamOutcome } from '../../streams/cached-stream';
import { type AICacheAdapterOptions, adapterCall, recordAdapterOutcome, resolveAdapterOptions } from '../adapter-options';
import { fromRevivableJson, toRevivableJson } from '../revivable-json';
import type { LanguageModelGenerateResult, LanguageModelStreamPart, LanguageModelStreamResult } from './ai-sdk.types';
import { type LanguageModelCallKind, languageModelCallRequest } from './language-model-call-request';
import { isCompleteRecording, isRecordingHead, type RecordedStreamItem, replayParts } from './recorded-stream';

export interface AICacheMiddlewareOptions extends AICacheAdapterOptions {
  /** Default `'ai-sdk'`. */
  operation?: string;
}

/**
 * A Vercel AI SDK middleware that caches language-model calls through AIResponseCacheService:
 *
 *     const model = wrapLanguageModel({ model: openai('gpt-4o-mini'), middleware: aiCacheMiddleware(cache) });
 *
 * `generateText` / `generateObject` results are stored as they came (Dates, bytes and URLs
 * restored on replay); `streamText` / `streamObject` parts are recorded while the caller reads them
 * and replayed as a stream on a hit. Only complete streams are stored (a `finish` part, no `error`
 * part, not abandoned), and never a call that failed or finished with reason `error`. Identical
 * concurrent calls share one model call (one upstream stream). Keys, TTLs, tenants
 * (AICacheContext), metrics and invalidation by operation are the service's.
 */
export function aiCacheMiddleware(cache: AIResponseCacheService, options?: AICacheMiddlewareOptions): LanguageModelMiddleware {
  if (typeof cache?.getOrComputeStream !== 'function') {
    throw new TypeError('aiCacheMiddleware: cache must be the AIResponseCacheService (inject it, or app.get(AIResponseCacheService))');
  }
  const adapter = resolveAdapterOptions(options, 'ai-sdk', 'aiCacheMiddleware');
  const logger = new Logger('AICache');
  let bypassLogged = false;

  const keyOf = (model: Parameters<typeof languageModelCallRequest>[0], params: Parameters<typeof languageModelCallRequest>[1], call: LanguageModelCallKind): AIRequest | undefined => {
    try {
      return languageModelCallRequest(model, params, call, adapter.operation);
    } catch (error) {
      // A call option the key cannot hold faithfully: better an uncached call than two calls sharing an answer.
      if (!bypassLogged) {
        bypassLogged = true;
        logger.warn(`aiCacheMiddleware: calling the model uncached: ${(error as Error).message}. Further such calls are not logged.`);
      }
      return undefined;
    }
  };

  return {
    specificationVersion: 'v3',

    async wrapGenerate({ doGenerate, params, model }) {
      const request = keyOf(model, params, 'generate');
      if (!request) return doGenerate();
      const call = adapterCall<unknown>(adapter);
      call.options.unless = finishedWithError;
      let computed: LanguageModelGenerateResult | undefined;
      const outcome = await cache.getOrComputeWithStatus(request, async () => toRevivableJson((computed = await doGenerate())), call.options);
      recordAdapterOutcome(call, outcome.status);
      // The caller that ran the model gets its own result; the others a revived copy of what is stored.
      return outcome.status === 'miss' && computed ? computed : (fromRevivableJson(outcome.value) as LanguageModelGenerateResult);
    },

    async wrapStream({ doStream, params, model }) {
      const request = keyOf(model, params, 'stream');
      if (!request) return doStream();
      const call = adapterCall<RecordedStreamItem[]>(adapter);
      const recorded = cache.getOrComputeStream<RecordedStreamItem>(
        request,
        () => recordStream(doStream),
        Object.assign(call.options, {
          onOutcome: ({ status }: StreamOutcome) => recordAdapterOutcome(call, status),
          unless: (items: RecordedStreamItem[]) => !isCompleteRecording(items),
        }),
      );
      const items = recorded[Symbol.asyncIterator]();
      // The head (request, response headers) comes first: doStream()'s failure rejects here, as it would unwrapped.
      const head = await items.next();
      if (head.done || !isRecordingHead(head.value)) {
        void items.return?.();
        return doStream(); // not a recording of ours under this key: answer, uncached
      }
      return { ...(fromRevivableJson(head.value.result) as Omit<LanguageModelStreamResult, 'stream'>), stream: replayParts(items) };
    },
  };
}

/** The model's stream as recorded items: the result beside the stream first, then each part (as revivable JSON). */
async function* recordStream(doStream: () => PromiseLike<LanguageModelStreamResult>): AsyncGenerator<RecordedStreamItem> {
  const { stream, ...result } = await doStream();
  yield { result: toRevivableJson(result) };
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield toRevivableJson(value) as LanguageModelStreamPart;
    }
  } finally {
    // Left early (every reader gone): cancel the provider's stream, which ends its HTTP response.
    reader.cancel().catch(() => undefined);
  }
}

function finishedWithError(stored: unknown): boolean {
  return (stored as { finishReason?: { unified?: unknown } } | undefined)?.finishReason?.unified === 'error';
}
