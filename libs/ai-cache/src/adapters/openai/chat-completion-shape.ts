/**
 * What may be cached of a Chat Completions call. The SDK hands back whatever the server sent (a
 * gateway's HTML page is a string; a stream the server cut short, or that the caller aborted,
 * ends quietly), so the adapter checks the answer before storing it: a miss next time is cheap, a
 * truncated or foreign answer replayed forever is not.
 */

/** A ChatCompletion-shaped object: an object with a `choices` array. */
export function isChatCompletion(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray((value as { choices?: unknown }).choices);
}

/** The parameters of the call that say what a complete stream holds. */
export interface StreamExpectations {
  n?: number | null;
  stream_options?: { include_usage?: boolean | null } | null;
}

/**
 * True when the chunks are a whole stream: each of the `n` choices (default 1) got its
 * `finish_reason`, and the usage chunk came when `stream_options.include_usage` asked for it.
 * A server that never sends a finish_reason has its streams replayed never, and answered always.
 */
export function isCompleteChatStream(chunks: readonly unknown[], params: StreamExpectations): boolean {
  const expectedChoices = typeof params.n === 'number' && params.n > 0 ? params.n : 1;
  const finished = new Set<number>();
  let usage = false;
  for (const chunk of chunks) {
    if (typeof chunk !== 'object' || chunk === null) return false;
    const { choices, usage: chunkUsage } = chunk as { choices?: unknown; usage?: unknown };
    if (chunkUsage !== undefined && chunkUsage !== null) usage = true;
    if (!Array.isArray(choices)) continue;
    for (const choice of choices) {
      const { index, finish_reason: finishReason } = (choice ?? {}) as { index?: unknown; finish_reason?: unknown };
      if (typeof index === 'number' && typeof finishReason === 'string') finished.add(index);
    }
  }
  for (let index = 0; index < expectedChoices; index++) {
    if (!finished.has(index)) return false;
  }
  return params.stream_options?.include_usage === true ? usage : true;
}
