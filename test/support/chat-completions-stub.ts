import type { ServerResponse } from 'node:http';

/**
 * Replies of an OpenAI-compatible server for the JSON stub server (json-stub-server.ts): a
 * ChatCompletion as JSON, a stream as server-sent events (`data: {chunk}` … `data: [DONE]`), and
 * the ways a real server fails (an HTTP error, an error event mid-stream, a connection cut).
 */

export function replyJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function chatCompletion(content: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-stub',
    object: 'chat.completion',
    created: 1_717_171_717,
    model: 'stub-model',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
    ...extra,
  };
}

/** The chunks a server streams for `pieces`: a role chunk, one per piece, a finish chunk, and the usage chunk if asked. */
export function chatChunks(pieces: string[], { usage = false, finish = true } = {}): object[] {
  const chunk = (delta: object, finishReason: string | null = null) => ({
    id: 'chatcmpl-stub',
    object: 'chat.completion.chunk',
    created: 1_717_171_717,
    model: 'stub-model',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const chunks: object[] = [chunk({ role: 'assistant', content: '' }), ...pieces.map((content) => chunk({ content }))];
  if (finish) chunks.push(chunk({}, 'stop'));
  if (usage) {
    chunks.push({ id: 'chatcmpl-stub', object: 'chat.completion.chunk', created: 1_717_171_717, model: 'stub-model', choices: [], usage: { prompt_tokens: 12, completion_tokens: pieces.length, total_tokens: 12 + pieces.length } });
  }
  return chunks;
}

export interface SseOptions {
  /** Send `data: [DONE]` at the end (default true). */
  done?: boolean;
  /** Cut the connection after this many chunks, without ending the response. */
  cutAfter?: number;
  /** Send an `{"error": …}` event after this many chunks (the SDK throws an APIError). */
  errorAfter?: number;
  /** Milliseconds between chunks (default 0: all at once). */
  delayMs?: number;
}

/** Streams `chunks` as server-sent events, the way the Chat Completions API does. */
export async function replySse(res: ServerResponse, chunks: object[], options: SseOptions = {}): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const [index, chunk] of chunks.entries()) {
    if (index === options.cutAfter) {
      // Let the chunks written so far reach the client first: destroy() drops unsent data.
      await new Promise((resolve) => setTimeout(resolve, 20));
      res.socket?.destroy();
      return;
    }
    if (index === options.errorAfter) {
      res.end(`data: ${JSON.stringify({ error: { message: 'upstream overloaded mid-stream', type: 'server_error' } })}\n\n`);
      return;
    }
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  }
  res.end(options.done === false ? '' : 'data: [DONE]\n\n');
}
