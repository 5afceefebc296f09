import { fromRevivableJson } from '../revivable-json';
import type { LanguageModelStreamPart } from './ai-sdk.types';

/**
 * How a `doStream()` call is recorded: first its head, the result beside the stream (request
 * body, response headers), then every stream part, all as revivable JSON (Dates, bytes, URLs).
 */
export interface RecordingHead {
  result: unknown;
}
export type RecordedStreamItem = RecordingHead | LanguageModelStreamPart;

export function isRecordingHead(item: unknown): item is RecordingHead {
  return typeof item === 'object' && item !== null && !Array.isArray(item) && Object.keys(item).length === 1 && 'result' in item;
}

/**
 * A recording worth replaying: a head, then parts ending with a `finish` whose reason is not
 * `error`, and no `error` part anywhere (a provider reports a failure mid-stream as a part, not a throw).
 */
export function isCompleteRecording(items: readonly unknown[]): boolean {
  if (items.length < 2 || !isRecordingHead(items[0])) return false;
  let finished = false;
  for (let index = 1; index < items.length; index++) {
    const part = items[index] as { type?: unknown; finishReason?: { unified?: unknown } } | null;
    if (part?.type === 'error') return false;
    if (part?.type === 'finish') finished = part.finishReason?.unified !== 'error';
  }
  return finished;
}

/**
 * The parts after the head, as the ReadableStream a language model returns. Pulled one at a time
 * (the recording is read at the caller's pace); cancelling it leaves the recording, and the last
 * reader leaving stops the model's stream.
 */
export function replayParts(items: AsyncIterator<RecordedStreamItem>): ReadableStream<LanguageModelStreamPart> {
  return new ReadableStream<LanguageModelStreamPart>({
    async pull(controller) {
      try {
        const step = await items.next();
        if (step.done) controller.close();
        else controller.enqueue(fromRevivableJson(step.value) as LanguageModelStreamPart);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel() {
      void items.return?.();
    },
  });
}
